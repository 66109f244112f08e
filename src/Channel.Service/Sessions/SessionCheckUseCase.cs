using Channel.Domain.Accounts;
using Channel.Service.Onboarding;

namespace Channel.Service.Sessions;

/// <summary>
/// Asks Telegram whether an Active account's session still works, with the cheapest call that needs a logged-in key
/// (users.getUsers([inputUserSelf])). When Telegram answers that it ended the account, the account moves to
/// SessionRevoked, Banned or Deactivated and the audit says so; any other failure (Telegram unreachable) is only
/// logged and raised, and the next check tries again.
/// </summary>
internal sealed class SessionCheckUseCase(LoginStepRunner runner)
{
    private static readonly LoginStepRules Rules = new(
        "check the session", [AccountStatus.Active], FailureEvent: null, ReuseSessionFrom: [AccountStatus.Active]);

    /// <returns>The account afterwards: still Active, or in the status Telegram's answer put it.</returns>
    public Task<TelegramAccount> ExecuteAsync(TelegramAccountId accountId, CancellationToken cancellationToken) =>
        runner.RunAsync(accountId, Rules, async (step, ct) =>
        {
            await runner.TryActiveCallAsync(step, static (client, token) => client.GetMeAsync(token), ct);
            return step.Account;
        }, cancellationToken);
}
