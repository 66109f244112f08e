using Channel.Domain.Accounts;
using Channel.Persistence;
using Channel.Persistence.Audit;
using Channel.Service.Telegram;

namespace Channel.Service.Onboarding;

/// <summary>
/// Our own limit on codes per phone number (<c>Onboarding:SendCodeLimit</c> per <c>Onboarding:SendCodeWindow</c>),
/// checked before Telegram is asked: codes cost SMS money and Telegram's own flood limits are harsher. Counted from the
/// audit record, so it holds across restarts and replicas and over every tenant that registered the number.
/// </summary>
internal sealed class SendCodeRateLimit(ChannelDbContext db, TelegramSettings settings, OnboardingAudit audit, TimeProvider time)
{
    public async Task EnsureAllowedAsync(TelegramAccount account, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var (count, oldest) = await OnboardingAudit.CodeRequestsForPhoneAsync(db, account.PhoneNumber, now - settings.SendCodeWindow, cancellationToken);
        if (count < settings.SendCodeLimit)
        {
            return;
        }

        await audit.RecordAsync(account, OnboardingEvent.CodeRequested, OnboardingOutcome.Rejected, SendCodeRateLimitedException.Reason);
        var retryAfter = (oldest ?? now) + settings.SendCodeWindow - now;
        throw new SendCodeRateLimitedException(retryAfter > TimeSpan.Zero ? retryAfter : TimeSpan.FromSeconds(1));
    }
}
