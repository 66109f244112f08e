using Channel.Persistence;
using Channel.Persistence.Audit;
using Channel.Service.Telegram;

namespace Channel.Service.Onboarding;

/// <summary>
/// Our own limits on wrong login codes (<c>Onboarding:MaxWrongCodes</c> per sent code) and wrong 2FA passwords
/// (<c>Onboarding:MaxWrongPasswords</c> per login), counted from the audit so they hold across restarts and
/// replicas. They stop an operator, or a script, from guessing until Telegram locks the account out.
/// </summary>
internal sealed class LoginAttemptLimits(ChannelDbContext db, OnboardingAudit audit, TelegramSettings settings, TimeProvider time)
{
    /// <summary>
    /// Telegram refused a code or password: the step reports the attempts left, and the last allowed attempt ends the
    /// login (the code cancelled with Telegram on a best-effort basis, the session forgotten, the account Pending).
    /// </summary>
    /// <param name="wrongAttempt"><see cref="OnboardingEvent.CodeWrong"/> or <see cref="OnboardingEvent.PasswordWrong"/>.</param>
    public async Task RecordWrongAttemptAsync(LoginStep step, OnboardingEvent wrongAttempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(step);
        var (limit, reason) = wrongAttempt switch
        {
            OnboardingEvent.CodeWrong => (settings.MaxWrongCodes, "TOO_MANY_WRONG_CODES"),
            OnboardingEvent.PasswordWrong => (settings.MaxWrongPasswords, "TOO_MANY_WRONG_PASSWORDS"),
            _ => throw new ArgumentOutOfRangeException(nameof(wrongAttempt), wrongAttempt, "Not a wrong login attempt."),
        };

        // The attempt being refused is audited after this (by the step runner), so it is not counted yet.
        var earlier = await OnboardingAudit.CountSinceCodeSentAsync(db, step.Account.Id, wrongAttempt, cancellationToken);
        step.FailureEvent = wrongAttempt;
        step.AttemptsLeft = Math.Max(0, limit - 1 - earlier);
        if (step.AttemptsLeft > 0)
        {
            return;
        }

        if (step.Client.Session.LoginState is not null)
        {
            try
            {
                await step.Client.CancelCodeAsync(cancellationToken);
            }
            catch (Exception exception) when (TelegramFailures.IsTelegramFailure(exception))
            {
                // Telegram forgets the code on its own; our status is what stops further attempts.
            }
        }

        step.ForgetSession = true;
        step.Account.CancelLogin(time);
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(step.Account, OnboardingEvent.LoginCancelled, OnboardingOutcome.Rejected, reason);
    }
}
