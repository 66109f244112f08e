using Channel.Domain.Accounts;
using Channel.Persistence;
using Channel.Persistence.Audit;
using Channel.Service.Telegram;

namespace Channel.Service.Onboarding;

/// <summary>
/// The one place where Telegram's ending of a logged-in account is recorded, whichever call noticed it (LogOut, the
/// log-out before a deletion, the session check): the account moves to SessionRevoked, Banned or Deactivated, and
/// the audit gets an <see cref="OnboardingOutcome.Observed"/> entry with Telegram's error name. The caller deletes
/// the dead session.
/// </summary>
internal sealed partial class AccountLossRecorder(ChannelDbContext db, OnboardingAudit audit, TimeProvider time, ILogger<AccountLossRecorder> logger)
{
    /// <summary>Records the loss when <paramref name="failure"/> means one (see <see cref="TelegramFailures.LossOf"/>); false otherwise.</summary>
    public async Task<bool> TryRecordAsync(TelegramAccount account, Exception failure)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(failure);
        if (account.Status != AccountStatus.Active || TelegramFailures.LossOf(failure) is not { } loss)
        {
            return false;
        }

        var reason = TelegramFailures.ReasonOf(failure);
        OnboardingEvent auditEvent;
        switch (loss)
        {
            case AccountLoss.Banned:
                account.MarkBanned(time, reason);
                auditEvent = OnboardingEvent.AccountBanned;
                break;
            case AccountLoss.Deactivated:
                account.MarkDeactivated(time, reason);
                auditEvent = OnboardingEvent.AccountDeactivated;
                break;
            default:
                account.RevokeSession(time, reason);
                auditEvent = OnboardingEvent.SessionRevoked;
                break;
        }

        // Telegram has already decided: a caller who went away must not leave the account looking Active.
        await db.SaveChangesAsync(CancellationToken.None);
        await audit.RecordAsync(account, auditEvent, OnboardingOutcome.Observed, reason);
        LogAccountLost(logger, account.Id, reason, account.Status);
        return true;
    }

    [LoggerMessage(EventId = 4010, Level = LogLevel.Warning, Message = "Telegram ended the session of account {AccountId} ({Reason}); the account is now {Status}.")]
    private static partial void LogAccountLost(ILogger logger, TelegramAccountId accountId, string reason, AccountStatus status);
}
