using System.Security.Cryptography;
using Channel.Domain.Accounts;
using Channel.MTProto;
using Channel.MTProto.Client;
using Channel.Persistence;
using Channel.Persistence.Audit;
using Channel.Persistence.Secrets;
using Channel.Service.Auth;
using Channel.Service.Accounts;
using Channel.Service.Runtime;
using Channel.Service.Telegram;
using Microsoft.EntityFrameworkCore;

namespace Channel.Service.Onboarding;

/// <summary>What a login step may allow and how it starts.</summary>
/// <param name="Action">For the "cannot …" error, e.g. "verify a login code".</param>
/// <param name="AllowedFrom">The statuses the step starts from.</param>
/// <param name="FailureEvent">Audited when Telegram refuses the step (the step may pick a more precise one); null for a
/// routine step whose failures are only logged (the session check).</param>
/// <param name="ReuseSessionFrom">Statuses whose saved session the step continues; from any other it starts a fresh one.</param>
internal sealed record LoginStepRules(
    string Action, IReadOnlyCollection<AccountStatus> AllowedFrom, OnboardingEvent? FailureEvent, IReadOnlyCollection<AccountStatus> ReuseSessionFrom);

/// <summary>The account, its Telegram client, and what the step reports back to the runner.</summary>
internal sealed class LoginStep(TelegramAccount account, TelegramUserClient client)
{
    public TelegramAccount Account { get; } = account;

    public TelegramUserClient Client { get; } = client;

    /// <summary>Overrides the rules' failure event for the failure being raised (a wrong code, a wrong password).</summary>
    public OnboardingEvent? FailureEvent { get; set; }

    /// <summary>Wrong codes or passwords left, reported with a PHONE_CODE_INVALID or PASSWORD_HASH_INVALID error.</summary>
    public int? AttemptsLeft { get; set; }

    /// <summary>The session must be deleted rather than saved (log-out, cancelled login).</summary>
    public bool ForgetSession { get; set; }
}

/// <summary>
/// The frame of every onboarding step: the per-account lock, the account, its saved session (decrypted) and api_hash,
/// a Telegram client over them; afterwards the session is saved encrypted (or deleted), and a Telegram failure is
/// audited and raised as <see cref="TelegramStepException"/> with the DC it came from.
/// </summary>
internal sealed partial class LoginStepRunner(
    ChannelDbContext db, AccountSecretStore secrets, TelegramClientFactory clients, AccountLoginLocks locks,
    OnboardingAudit audit, AccountLossRecorder losses, IAccountRuntime runtime, ITenantGuard tenants, ILogger<LoginStepRunner> logger)
{
    public Task<T> RunAsync<T>(string accountId, LoginStepRules rules, Func<LoginStep, CancellationToken, Task<T>> step, CancellationToken cancellationToken) =>
        RunAsync(AccountIds.Parse(accountId), rules, step, cancellationToken);

    public async Task<T> RunAsync<T>(TelegramAccountId id, LoginStepRules rules, Func<LoginStep, CancellationToken, Task<T>> step, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(step);

        // Another tenant's account must not even be locked or disconnected for a moment.
        await tenants.EnsureVisibleAsync(id, cancellationToken);
        using var lease = await locks.AcquireAsync(id, cancellationToken);

        // One client per auth key: the runtime's live connection (if any) stops, saving its session, until the step
        // is done and its session saved; an account the step made Active is connected from that session.
        await using var suspension = await runtime.SuspendAsync(id, cancellationToken);
        var account = await db.Accounts.SingleOrDefaultAsync(a => a.Id == id, cancellationToken) ?? throw new AccountNotFoundException(id);
        tenants.EnsureVisible(account);
        OnboardingRules.Require(account, rules.Action, rules.AllowedFrom);

        var session = rules.ReuseSessionFrom.Contains(account.Status) ? await LoadSessionAsync(id, cancellationToken) : null;
        session ??= new MTProtoSessionState();
        var changed = false;
        session.Changed += (_, _) => changed = true;
        await using var client = await clients.CreateAsync(account.ApiId, await secrets.GetApiHashAsync(id, cancellationToken), session, cancellationToken);
        var context = new LoginStep(account, client);
        try
        {
            return await step(context, cancellationToken);
        }
        catch (Exception exception) when (TelegramFailures.IsTelegramFailure(exception))
        {
            var reason = TelegramFailures.ReasonOf(exception);
            LogStepFailed(logger, rules.Action, id, reason, session.MainDcId);
            if ((context.FailureEvent ?? rules.FailureEvent) is { } failureEvent)
            {
                await audit.RecordAsync(account, failureEvent, OnboardingOutcome.Failed, reason);
            }

            throw new TelegramStepException(exception, session.MainDcId, context.AttemptsLeft);
        }
        finally
        {
            // Telegram has acted on the step: its state must not be lost because the caller went away.
            if (context.ForgetSession)
            {
                await secrets.DeleteSessionAsync(id, CancellationToken.None);
            }
            else if (changed)
            {
                await SaveSessionAsync(id, session);
            }
        }
    }

    /// <summary>
    /// Makes a call with an Active account's session. When Telegram answers that it ended the account (revoked the
    /// session, banned or deleted the account), that is recorded (<see cref="AccountLossRecorder"/>), the dead session
    /// is forgotten and the result is false; every other failure propagates.
    /// </summary>
    public async Task<bool> TryActiveCallAsync(LoginStep step, Func<TelegramUserClient, CancellationToken, Task> call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            await call(step.Client, cancellationToken);
            return true;
        }
        catch (Exception exception) when (TelegramFailures.IsTelegramFailure(exception))
        {
            if (!await losses.TryRecordAsync(step.Account, exception))
            {
                throw;
            }

            step.ForgetSession = true;
            return false;
        }
    }

    /// <summary>Saves the session now (the step wants it stored before it records the new status).</summary>
    public Task SaveNowAsync(LoginStep step) => SaveSessionAsync(step.Account.Id, step.Client.Session);

    /// <summary>
    /// Before an account is deleted: auth.logOut on a best-effort basis (Telegram unreachable: deleted anyway; the
    /// session already revoked: that is recorded).
    /// </summary>
    public async Task TryLogOutAsync(TelegramAccount account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (account.Status != AccountStatus.Active || await LoadSessionAsync(account.Id, cancellationToken) is not { } session)
        {
            return;
        }

        try
        {
            await using var client = await clients.CreateAsync(account.ApiId, await secrets.GetApiHashAsync(account.Id, cancellationToken), session, cancellationToken);
            await client.LogOutAsync(cancellationToken);
            await audit.RecordAsync(account, OnboardingEvent.LoggedOut, OnboardingOutcome.Succeeded);
        }
        catch (Exception exception) when (TelegramFailures.IsTelegramFailure(exception))
        {
            if (await losses.TryRecordAsync(account, exception))
            {
                return;
            }

            var reason = TelegramFailures.ReasonOf(exception);
            LogLogOutBeforeDeleteFailed(logger, account.Id, reason);
            await audit.RecordAsync(account, OnboardingEvent.LoggedOut, OnboardingOutcome.Failed, reason);
        }
    }

    private async Task<MTProtoSessionState?> LoadSessionAsync(TelegramAccountId id, CancellationToken cancellationToken)
    {
        var bytes = await secrets.LoadSessionAsync(id, cancellationToken);
        if (bytes is null)
        {
            return null;
        }

        try
        {
            return MTProtoSessionState.Deserialize(bytes);
        }
        catch (FormatException)
        {
            // A session this version cannot read is as good as none: the next SendCode starts a new one.
            LogUnreadableSession(logger, id);
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    private async Task SaveSessionAsync(TelegramAccountId id, MTProtoSessionState session)
    {
        var bytes = session.Serialize();
        try
        {
            await secrets.SaveSessionAsync(id, bytes, CancellationToken.None);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Could not {Action} for account {AccountId}: Telegram said {Reason} (DC {DcId}).")]
    private static partial void LogStepFailed(ILogger logger, string action, TelegramAccountId accountId, string reason, int dcId);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Log-out before deleting account {AccountId} failed ({Reason}); deleting it anyway.")]
    private static partial void LogLogOutBeforeDeleteFailed(ILogger logger, TelegramAccountId accountId, string reason);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "The saved session of account {AccountId} cannot be read; the next login starts a new one.")]
    private static partial void LogUnreadableSession(ILogger logger, TelegramAccountId accountId);
}
