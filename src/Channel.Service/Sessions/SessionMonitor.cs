using Channel.Domain.Accounts;
using Channel.Domain.Common;
using Channel.Persistence;
using Channel.Persistence.Sessions;
using Channel.Service.Runtime;
using Channel.Service.Telegram;
using Microsoft.EntityFrameworkCore;

namespace Channel.Service.Sessions;

/// <summary>
/// Checks every Active account's session at start-up and then every <c>Telegram:SessionCheckInterval</c>, so a
/// session revoked from the phone ("Terminate all other sessions"), a ban or a deleted account shows up as the
/// account's status and in the audit instead of going unnoticed. A check that cannot reach Telegram changes nothing.
/// Every replica runs a monitor; <see cref="SessionCheckClaims"/> lets one of them check a given account per round,
/// so the replicas' checks never use one account's key at once (AUTH_KEY_DUPLICATED). Accounts whose live connection
/// this replica holds are checked by the runtime on that connection instead.
/// </summary>
internal sealed partial class SessionMonitor(
    IServiceScopeFactory scopes, IAccountRuntime runtime, TelegramSettings settings, TimeProvider time, ILogger<SessionMonitor> logger) : BackgroundService
{
    // Enough to get through many accounts without opening a burst of connections to Telegram.
    private const int ChecksAtOnce = 4;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (settings.SessionCheckInterval == TimeSpan.Zero)
        {
            return;
        }

        // The accounts the runtime brings up are checked on their own connections: let it claim them first.
        await runtime.Started.WaitAsync(stoppingToken);
        using var timer = new PeriodicTimer(settings.SessionCheckInterval, time);
        do
        {
            try
            {
                await CheckAllAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The database may be down for a moment; an exception escaping here would stop the whole host.
                LogRoundFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>
    /// How far a claim moves an account's next check: the interval, but never less than a check may take (a connect
    /// and a call, each bounded by the request timeout), so a claim outlasts the check it covers.
    /// </summary>
    private TimeSpan ClaimSpan => settings.SessionCheckInterval > 2 * settings.RequestTimeout ? settings.SessionCheckInterval : 2 * settings.RequestTimeout;

    /// <summary>
    /// One round over the accounts that are Active now and due (not checked by any replica within the interval);
    /// returns how many of them Telegram had ended.
    /// </summary>
    public async Task<int> CheckAllAsync(CancellationToken cancellationToken)
    {
        // Claims are measured from the round's start, so the next round finds every account due again.
        var roundStart = time.GetUtcNow();
        List<TelegramAccountId> active;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
            active = await db.Accounts.AsNoTracking().Where(a => a.Status == AccountStatus.Active).Select(a => a.Id).ToListAsync(cancellationToken);
        }

        var lost = 0;
        await Parallel.ForEachAsync(
            active, new ParallelOptions { MaxDegreeOfParallelism = ChecksAtOnce, CancellationToken = cancellationToken }, async (id, ct) =>
            {
                if (await CheckAsync(id, roundStart, ct) is { } status && status != AccountStatus.Active)
                {
                    Interlocked.Increment(ref lost);
                }
            });
        LogRoundDone(logger, active.Count, lost);
        return lost;
    }

    /// <returns>The status after the check; null when there was nothing to check or the check was inconclusive.</returns>
    private async Task<AccountStatus?> CheckAsync(TelegramAccountId id, DateTimeOffset roundStart, CancellationToken cancellationToken)
    {
        // The runtime checks the accounts it holds on their live connection; a second client on the same key is what
        // makes Telegram answer AUTH_KEY_DUPLICATED.
        if (runtime.Holds(id))
        {
            return null;
        }

        await using var scope = scopes.CreateAsyncScope();
        var claims = scope.ServiceProvider.GetRequiredService<SessionCheckClaims>();
        var check = scope.ServiceProvider.GetRequiredService<SessionCheckUseCase>();
        try
        {
            if (!await claims.TryClaimAsync(id, roundStart, roundStart + ClaimSpan, cancellationToken))
            {
                return null;
            }

            return (await check.ExecuteAsync(id, cancellationToken)).Status;
        }
        catch (Exception exception) when (exception is AccountNotFoundException or DomainException or DbUpdateConcurrencyException)
        {
            // Deleted, logged out or changed by another replica since the round began: nothing left to check.
            return null;
        }
        catch (TelegramStepException)
        {
            // Already logged by the step; the session may be fine, so the next round asks again.
            return null;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // One account's surprise must not stop the checks of the others, now or later.
            LogCheckFailed(logger, exception, id);
            return null;
        }
    }

    [LoggerMessage(EventId = 4020, Level = LogLevel.Debug, Message = "Session check: {Active} active accounts, {Lost} ended by Telegram.")]
    private static partial void LogRoundDone(ILogger logger, int active, int lost);

    [LoggerMessage(EventId = 4022, Level = LogLevel.Error, Message = "A session-check round failed; the next round tries again.")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4021, Level = LogLevel.Error, Message = "The session check of account {AccountId} failed unexpectedly.")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception, TelegramAccountId accountId);
}
