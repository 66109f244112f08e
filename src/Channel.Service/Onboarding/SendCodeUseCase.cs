using Channel.Domain.Accounts;
using Channel.MTProto.Login;
using Channel.Persistence;
using Channel.Persistence.Audit;

namespace Channel.Service.Onboarding;

/// <summary>The account after a code was sent, and how the code travels.</summary>
internal sealed record CodeSentResult(TelegramAccount Account, SentCode Delivery);

/// <summary>
/// SendCode (auth.sendCode: from Pending, CodeSent — a fresh request on the same session —, LoggedOut and
/// SessionRevoked — a new session) and ResendCode (auth.resendCode by the next delivery type, from CodeSent). Our
/// per-phone limit is checked first. The session holding the phone_code_hash is stored encrypted before the status
/// changes, so VerifyCode works after a restart or on another replica.
/// </summary>
internal sealed class SendCodeUseCase(
    LoginStepRunner runner, SendCodeRateLimit rateLimit, ChannelDbContext db, OnboardingAudit audit, TimeProvider time)
{
    private static readonly LoginStepRules SendRules = new(
        "send a login code",
        [AccountStatus.Pending, AccountStatus.CodeSent, AccountStatus.LoggedOut, AccountStatus.SessionRevoked],
        OnboardingEvent.CodeRequested,
        ReuseSessionFrom: [AccountStatus.CodeSent]);

    private static readonly LoginStepRules ResendRules = new(
        "resend the login code", [AccountStatus.CodeSent], OnboardingEvent.CodeResent, ReuseSessionFrom: [AccountStatus.CodeSent]);

    public Task<CodeSentResult> SendAsync(string accountId, CancellationToken cancellationToken) =>
        RunAsync(accountId, SendRules, OnboardingEvent.CodeRequested, async (step, ct) =>
        {
            try
            {
                return await step.Client.SendCodeAsync(step.Account.PhoneNumber.E164, ct);
            }
            catch (LoginException exception) when (exception.Failure == LoginFailure.PhoneNumberBanned)
            {
                step.Account.MarkBanned(time);
                await db.SaveChangesAsync(ct);
                throw;
            }
        }, cancellationToken);

    public Task<CodeSentResult> ResendAsync(string accountId, CancellationToken cancellationToken) =>
        RunAsync(accountId, ResendRules, OnboardingEvent.CodeResent, (step, ct) => step.Client.ResendCodeAsync(ct), cancellationToken);

    private Task<CodeSentResult> RunAsync(
        string accountId, LoginStepRules rules, OnboardingEvent sentEvent, Func<LoginStep, CancellationToken, Task<SentCode>> askTelegram, CancellationToken cancellationToken) =>
        runner.RunAsync(accountId, rules, async (step, ct) =>
        {
            await rateLimit.EnsureAllowedAsync(step.Account, ct);
            var sent = await askTelegram(step, ct);
            await runner.SaveNowAsync(step);
            step.Account.RecordCodeSent(time);
            await db.SaveChangesAsync(ct);
            await audit.RecordAsync(step.Account, sentEvent, OnboardingOutcome.Succeeded);
            return new CodeSentResult(step.Account, sent);
        }, cancellationToken);
}
