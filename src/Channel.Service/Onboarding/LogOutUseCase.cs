using Channel.Domain.Accounts;
using Channel.Persistence;
using Channel.Persistence.Audit;

namespace Channel.Service.Onboarding;

/// <summary>
/// auth.logOut and the session destroyed: LoggedOut. From Active. When Telegram answers that the session was already
/// revoked (or the account banned or deleted), the call still succeeds: the account shows what Telegram did
/// (SessionRevoked, Banned, Deactivated) rather than LoggedOut, and the dead session is destroyed all the same.
/// </summary>
internal sealed class LogOutUseCase(LoginStepRunner runner, ChannelDbContext db, OnboardingAudit audit, TimeProvider time)
{
    private static readonly LoginStepRules Rules = new(
        "log out", [AccountStatus.Active], OnboardingEvent.LoggedOut, ReuseSessionFrom: [AccountStatus.Active]);

    public Task<TelegramAccount> ExecuteAsync(string accountId, CancellationToken cancellationToken) =>
        runner.RunAsync(accountId, Rules, async (step, ct) =>
        {
            if (!await runner.TryActiveCallAsync(step, static (client, token) => client.LogOutAsync(token), ct))
            {
                return step.Account;
            }

            step.ForgetSession = true;
            step.Account.LogOut(time);
            await db.SaveChangesAsync(ct);
            await audit.RecordAsync(step.Account, OnboardingEvent.LoggedOut, OnboardingOutcome.Succeeded);
            return step.Account;
        }, cancellationToken);
}

/// <summary>auth.cancelCode for the login in progress: Pending. From CodeSent or PasswordRequired.</summary>
internal sealed class CancelCodeUseCase(LoginStepRunner runner, ChannelDbContext db, OnboardingAudit audit, TimeProvider time)
{
    private static readonly LoginStepRules Rules = new(
        "cancel the login", [AccountStatus.CodeSent, AccountStatus.PasswordRequired], OnboardingEvent.LoginCancelled,
        ReuseSessionFrom: [AccountStatus.CodeSent, AccountStatus.PasswordRequired]);

    public Task<TelegramAccount> ExecuteAsync(string accountId, CancellationToken cancellationToken) =>
        runner.RunAsync(accountId, Rules, async (step, ct) =>
        {
            if (step.Client.Session.LoginState is not null)
            {
                await step.Client.CancelCodeAsync(ct);
            }

            step.ForgetSession = true;
            step.Account.CancelLogin(time);
            await db.SaveChangesAsync(ct);
            await audit.RecordAsync(step.Account, OnboardingEvent.LoginCancelled, OnboardingOutcome.Succeeded);
            return step.Account;
        }, cancellationToken);
}
