using Channel.Domain.Accounts;
using Channel.Persistence;
using Channel.Persistence.Audit;

namespace Channel.Service.Onboarding;

/// <summary>auth.logOut and the session destroyed: LoggedOut. From Active.</summary>
internal sealed class LogOutUseCase
{
    private static readonly LoginStepRules Rules = new(
        "log out", [AccountStatus.Active], OnboardingEvent.LoggedOut, ReuseSessionFrom: [AccountStatus.Active]);

    private readonly LoginStepRunner _runner;
    private readonly ChannelDbContext _db;
    private readonly OnboardingAudit _audit;
    private readonly TimeProvider _time;

    public LogOutUseCase(LoginStepRunner runner, ChannelDbContext db, OnboardingAudit audit, TimeProvider time)
    {
        _runner = runner;
        _db = db;
        _audit = audit;
        _time = time;
    }

    public Task<TelegramAccount> ExecuteAsync(string accountId, CancellationToken cancellationToken) =>
        _runner.RunAsync(accountId, Rules, async (step, ct) =>
        {
            await step.Client.LogOutAsync(ct);
            step.ForgetSession = true;
            step.Account.LogOut(_time);
            await _db.SaveChangesAsync(ct);
            await _audit.RecordAsync(step.Account, OnboardingEvent.LoggedOut, OnboardingOutcome.Succeeded);
            return step.Account;
        }, cancellationToken);
}

/// <summary>auth.cancelCode for the login in progress: Pending. From CodeSent or PasswordRequired.</summary>
internal sealed class CancelCodeUseCase
{
    private static readonly LoginStepRules Rules = new(
        "cancel the login", [AccountStatus.CodeSent, AccountStatus.PasswordRequired], OnboardingEvent.LoginCancelled,
        ReuseSessionFrom: [AccountStatus.CodeSent, AccountStatus.PasswordRequired]);

    private readonly LoginStepRunner _runner;
    private readonly ChannelDbContext _db;
    private readonly OnboardingAudit _audit;
    private readonly TimeProvider _time;

    public CancelCodeUseCase(LoginStepRunner runner, ChannelDbContext db, OnboardingAudit audit, TimeProvider time)
    {
        _runner = runner;
        _db = db;
        _audit = audit;
        _time = time;
    }

    public Task<TelegramAccount> ExecuteAsync(string accountId, CancellationToken cancellationToken) =>
        _runner.RunAsync(accountId, Rules, async (step, ct) =>
        {
            if (step.Client.Session.LoginState is not null)
            {
                await step.Client.CancelCodeAsync(ct);
            }

            step.ForgetSession = true;
            step.Account.CancelLogin(_time);
            await _db.SaveChangesAsync(ct);
            await _audit.RecordAsync(step.Account, OnboardingEvent.LoginCancelled, OnboardingOutcome.Succeeded);
            return step.Account;
        }, cancellationToken);
}
