using Channel.Domain.Accounts;
using Channel.Persistence;
using Channel.Persistence.Audit;
using Channel.Service.Auth;
using Channel.Service.Telegram;

namespace Channel.Service.Onboarding;

/// <summary>
/// Our own limits on the login RPCs, checked before Telegram is asked. Codes per phone number
/// (<c>Onboarding:SendCodeLimit</c> per <c>Onboarding:SendCodeWindow</c>): codes cost SMS money and Telegram's own
/// flood limits are harsher; counted from the audit record, so it holds across restarts and replicas and over every
/// tenant that registered the number. And login calls per API key and per phone number (<see cref="LoginCallLimiter"/>).
/// </summary>
internal sealed class SendCodeRateLimit(
    ChannelDbContext db, TelegramSettings settings, OnboardingAudit audit, LoginCallLimiter calls, CallerScope caller, TimeProvider time)
{
    /// <summary>SendCode, ResendCode: the call limits, then the codes-per-phone limit.</summary>
    public async Task EnsureAllowedAsync(TelegramAccount account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        EnsureCallAllowed(account);
        var now = time.GetUtcNow();
        var (count, oldest) = await OnboardingAudit.CodeRequestsForPhoneAsync(db, account.PhoneNumber, now - settings.SendCodeWindow, cancellationToken);
        if (count < settings.SendCodeLimit)
        {
            return;
        }

        await audit.RecordAsync(account, OnboardingEvent.CodeRequested, OnboardingOutcome.Rejected, SendCodeRateLimitedException.CodesReason);
        var retryAfter = (oldest ?? now) + settings.SendCodeWindow - now;
        throw new SendCodeRateLimitedException(retryAfter > TimeSpan.Zero ? retryAfter : TimeSpan.FromSeconds(1));
    }

    /// <summary>VerifyCode, SubmitPassword (and the send calls): login calls per API key and per phone number.</summary>
    public void EnsureCallAllowed(TelegramAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        var verdict = calls.TryAcquire(caller.Caller, account.PhoneNumber);
        if (!verdict.Allowed)
        {
            throw new SendCodeRateLimitedException(verdict.RetryAfter, verdict.Reason);
        }
    }
}
