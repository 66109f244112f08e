using Channel.Domain.Accounts;
using Channel.MTProto.Login;
using Channel.Persistence;
using Channel.Persistence.Audit;
using Channel.Service.Errors;
using Channel.Service.Telegram;

namespace Channel.Service.Onboarding;

/// <summary>The account after VerifyCode; <see cref="PasswordRequired"/> when 2FA comes next.</summary>
internal sealed record CodeVerifiedResult(TelegramAccount Account, bool PasswordRequired, string? PasswordHint);

/// <summary>
/// auth.signIn with the operator's code: Active, or PasswordRequired for 2FA. At most <c>Onboarding:MaxWrongCodes</c>
/// wrong codes per sent code (<see cref="LoginAttemptLimits"/>); the last one cancels the code (status back to
/// Pending). The code lives only in this call.
/// </summary>
internal sealed class VerifyCodeUseCase(
    LoginStepRunner runner, LoginAttemptLimits limits, SendCodeRateLimit rateLimit, ChannelDbContext db, OnboardingAudit audit, TimeProvider time)
{
    private const int MaxCodeLength = 16;

    private static readonly LoginStepRules Rules = new(
        "verify a login code", [AccountStatus.CodeSent], OnboardingEvent.LoginFailed, ReuseSessionFrom: [AccountStatus.CodeSent]);

    public Task<CodeVerifiedResult> ExecuteAsync(string accountId, string? code, CancellationToken cancellationToken)
    {
        var digits = string.Concat((code ?? string.Empty).Where(c => c is not (' ' or '-')));
        if (digits.Length is 0 or > MaxCodeLength || !digits.All(char.IsAsciiDigit))
        {
            throw new RequestValidationException([new FieldViolation("code", $"must be the login code: 1 to {MaxCodeLength} digits.")]);
        }

        return runner.RunAsync(accountId, Rules, async (step, ct) =>
        {
            var account = step.Account;
            rateLimit.EnsureCallAllowed(account);
            SignInResult result;
            try
            {
                result = await step.Client.SignInAsync(digits, ct);
            }
            catch (LoginException exception) when (exception.Failure == LoginFailure.PhoneCodeInvalid)
            {
                await limits.RecordWrongAttemptAsync(step, OnboardingEvent.CodeWrong, ct);
                throw;
            }
            catch (LoginException exception) when (exception.Failure == LoginFailure.PhoneCodeExpired)
            {
                step.FailureEvent = OnboardingEvent.CodeExpired;
                throw;
            }

            switch (result)
            {
                case SignedIn signedIn:
                    await runner.SaveNowAsync(step);
                    account.AcceptCode(ToIdentity(signedIn.User), step.Client.Session.MainDcId, time);
                    await db.SaveChangesAsync(ct);
                    await audit.RecordAsync(account, OnboardingEvent.Activated, OnboardingOutcome.Succeeded);
                    return new CodeVerifiedResult(account, false, null);
                case PasswordRequired passwordRequired:
                    await runner.SaveNowAsync(step);
                    account.RequirePassword(time);
                    await db.SaveChangesAsync(ct);
                    await audit.RecordAsync(account, OnboardingEvent.PasswordRequired, OnboardingOutcome.Succeeded);
                    return new CodeVerifiedResult(account, true, passwordRequired.Hint);
                default:
                    throw new InvalidOperationException($"Unexpected sign-in result {result.GetType().Name}.");
            }
        }, cancellationToken);
    }

    internal static TelegramIdentity ToIdentity(TelegramUser user) => new(user.Id, user.Username, user.FirstName, user.LastName);
}

/// <summary>
/// The 2FA step: SRP proof via auth.checkPassword. From PasswordRequired to Active. At most
/// <c>Onboarding:MaxWrongPasswords</c> wrong passwords per login; the last one cancels the login (status back to
/// Pending). The password lives only in this call.
/// </summary>
internal sealed class SubmitPasswordUseCase(
    LoginStepRunner runner, LoginAttemptLimits limits, SendCodeRateLimit rateLimit, ChannelDbContext db, OnboardingAudit audit, TimeProvider time)
{
    private const int MaxPasswordLength = 256;

    private static readonly LoginStepRules Rules = new(
        "check the two-step verification password", [AccountStatus.PasswordRequired], OnboardingEvent.PasswordWrong,
        ReuseSessionFrom: [AccountStatus.PasswordRequired]);

    public Task<TelegramAccount> ExecuteAsync(string accountId, string? password, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(password) || password.Length > MaxPasswordLength)
        {
            throw new RequestValidationException([new FieldViolation("password", $"must be the two-step verification password: 1 to {MaxPasswordLength} characters.")]);
        }

        return runner.RunAsync(accountId, Rules, async (step, ct) =>
        {
            var account = step.Account;
            rateLimit.EnsureCallAllowed(account);
            SignedIn signedIn;
            try
            {
                signedIn = await step.Client.CheckPasswordAsync(password.AsSpan(), ct);
            }
            catch (LoginException exception) when (exception.Failure == LoginFailure.PasswordInvalid)
            {
                await limits.RecordWrongAttemptAsync(step, OnboardingEvent.PasswordWrong, ct);
                throw;
            }

            await runner.SaveNowAsync(step);
            account.AcceptPassword(VerifyCodeUseCase.ToIdentity(signedIn.User), step.Client.Session.MainDcId, time);
            await db.SaveChangesAsync(ct);
            await audit.RecordAsync(account, OnboardingEvent.Activated, OnboardingOutcome.Succeeded);
            return account;
        }, cancellationToken);
    }
}
