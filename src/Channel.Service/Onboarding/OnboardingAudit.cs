using Channel.Domain.Accounts;
using Channel.Persistence;
using Channel.Persistence.Audit;
using Microsoft.EntityFrameworkCore;

namespace Channel.Service.Onboarding;

/// <summary>
/// Writes the onboarding audit and answers the questions our limits ask of it. Each record is written through its
/// own DbContext, so a failed step (whose context may hold rejected changes) is still recorded.
/// </summary>
internal sealed class OnboardingAudit(IServiceScopeFactory scopes, TimeProvider time)
{
    public async Task RecordAsync(
        TelegramAccount account, OnboardingEvent onboardingEvent, OnboardingOutcome outcome, string? reason = null)
    {
        ArgumentNullException.ThrowIfNull(account);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
        db.OnboardingAudit.Add(new OnboardingAuditRecord
        {
            HelpdeskAccountId = account.HelpdeskAccountId.Value,
            AccountId = account.Id.Value,
            OccurredAt = time.GetUtcNow(),
            Event = onboardingEvent,
            Outcome = outcome,
            Reason = reason is { Length: > OnboardingAuditRecord.MaxReasonLength } ? reason[..OnboardingAuditRecord.MaxReasonLength] : reason,
        });

        // The step's outcome is already decided: the record is written even when the caller gave up.
        await db.SaveChangesAsync(CancellationToken.None);
    }

    /// <summary>
    /// How often <paramref name="wrongAttempt"/> (CodeWrong, PasswordWrong) was recorded for this account since the
    /// last code was sent to it: every login starts with a code, so this counts within the login in progress.
    /// </summary>
    public static async Task<int> CountSinceCodeSentAsync(
        ChannelDbContext db, TelegramAccountId accountId, OnboardingEvent wrongAttempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var records = db.OnboardingAudit.AsNoTracking().Where(r => r.AccountId == accountId.Value);
        var lastSent = await records
            .Where(r => (r.Event == OnboardingEvent.CodeRequested || r.Event == OnboardingEvent.CodeResent) && r.Outcome == OnboardingOutcome.Succeeded)
            .OrderByDescending(r => r.Id)
            .Select(r => (long?)r.Id)
            .FirstOrDefaultAsync(cancellationToken) ?? 0;
        return await records.CountAsync(r => r.Id > lastSent && r.Event == wrongAttempt, cancellationToken);
    }

    /// <summary>
    /// The code requests that reached Telegram since <paramref name="since"/> for any account with this phone number:
    /// how many, and when the oldest was. Requests refused by our own limit do not count.
    /// </summary>
    public static async Task<(int Count, DateTimeOffset? Oldest)> CodeRequestsForPhoneAsync(
        ChannelDbContext db, PhoneNumber phoneNumber, DateTimeOffset since, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var accountIds = await db.Accounts.AsNoTracking().Where(a => a.PhoneNumber == phoneNumber).Select(a => a.Id).ToListAsync(cancellationToken);
        var guids = accountIds.Select(id => id.Value).ToList();
        var times = await db.OnboardingAudit.AsNoTracking()
            .Where(r => guids.Contains(r.AccountId)
                        && (r.Event == OnboardingEvent.CodeRequested || r.Event == OnboardingEvent.CodeResent)
                        && r.Outcome != OnboardingOutcome.Rejected
                        && r.OccurredAt >= since)
            .Select(r => r.OccurredAt)
            .ToListAsync(cancellationToken);
        return (times.Count, times.Count == 0 ? null : times.Min());
    }
}
