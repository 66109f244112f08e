using Channel.Domain.Accounts;
using Channel.MTProto.Login;
using Channel.Persistence;
using Channel.Persistence.Audit;
using Channel.Service.Telegram;

namespace Channel.Service.Onboarding;

/// <summary>The account after a code was sent, and how the code travels.</summary>
internal sealed record CodeSentResult(TelegramAccount Account, SentCode Delivery);

/// <summary>
/// auth.sendCode for the account's phone: from Pending, CodeSent (a fresh request on the same session), LoggedOut and
/// SessionRevoked (a new session). The session holding the phone_code_hash is stored encrypted before the status
/// changes, so VerifyCode works after a restart or on another replica.
/// </summary>
internal sealed class SendCodeUseCase
{
    private static readonly LoginStepRules Rules = new(
        "send a login code",
        [AccountStatus.Pending, AccountStatus.CodeSent, AccountStatus.LoggedOut, AccountStatus.SessionRevoked],
        OnboardingEvent.CodeRequested,
        ReuseSessionFrom: [AccountStatus.CodeSent]);

    private readonly LoginStepRunner _runner;
    private readonly SendCodeRateLimit _rateLimit;
    private readonly ChannelDbContext _db;
    private readonly OnboardingAudit _audit;
    private readonly TimeProvider _time;

    public SendCodeUseCase(LoginStepRunner runner, SendCodeRateLimit rateLimit, ChannelDbContext db, OnboardingAudit audit, TimeProvider time)
    {
        _runner = runner;
        _rateLimit = rateLimit;
        _db = db;
        _audit = audit;
        _time = time;
    }

    public Task<CodeSentResult> ExecuteAsync(string accountId, CancellationToken cancellationToken) =>
        _runner.RunAsync(accountId, Rules, async (step, ct) =>
        {
            var account = step.Account;
            await _rateLimit.EnsureAllowedAsync(account, ct);
            SentCode sent;
            try
            {
                sent = await step.Client.SendCodeAsync(account.PhoneNumber.E164, ct);
            }
            catch (LoginException exception) when (exception.Failure == LoginFailure.PhoneNumberBanned)
            {
                account.MarkBanned(_time);
                await _db.SaveChangesAsync(ct);
                throw;
            }

            await _runner.SaveNowAsync(step);
            account.RecordCodeSent(_time);
            await _db.SaveChangesAsync(ct);
            await _audit.RecordAsync(account, OnboardingEvent.CodeRequested, OnboardingOutcome.Succeeded);
            return new CodeSentResult(account, sent);
        }, cancellationToken);
}

/// <summary>auth.resendCode: the pending code again, by the next delivery type. From CodeSent.</summary>
internal sealed class ResendCodeUseCase
{
    private static readonly LoginStepRules Rules = new(
        "resend the login code", [AccountStatus.CodeSent], OnboardingEvent.CodeResent, ReuseSessionFrom: [AccountStatus.CodeSent]);

    private readonly LoginStepRunner _runner;
    private readonly SendCodeRateLimit _rateLimit;
    private readonly ChannelDbContext _db;
    private readonly OnboardingAudit _audit;
    private readonly TimeProvider _time;

    public ResendCodeUseCase(LoginStepRunner runner, SendCodeRateLimit rateLimit, ChannelDbContext db, OnboardingAudit audit, TimeProvider time)
    {
        _runner = runner;
        _rateLimit = rateLimit;
        _db = db;
        _audit = audit;
        _time = time;
    }

    public Task<CodeSentResult> ExecuteAsync(string accountId, CancellationToken cancellationToken) =>
        _runner.RunAsync(accountId, Rules, async (step, ct) =>
        {
            var account = step.Account;
            await _rateLimit.EnsureAllowedAsync(account, ct);
            var sent = await step.Client.ResendCodeAsync(ct);
            await _runner.SaveNowAsync(step);
            account.RecordCodeSent(_time);
            await _db.SaveChangesAsync(ct);
            await _audit.RecordAsync(account, OnboardingEvent.CodeResent, OnboardingOutcome.Succeeded);
            return new CodeSentResult(account, sent);
        }, cancellationToken);
}
