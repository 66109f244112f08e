using Channel.Domain.Accounts;
using Channel.Persistence;
using Channel.Persistence.Outbound;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Channel.Service.Outbound;

/// <summary>
/// The per-account ordered send queue of bus commands. The consumer only records a command (Pending, in the order it
/// was consumed: the row id); one drainer per account sends that account's Pending bus rows strictly in id order
/// through <see cref="SendMessageUseCase.DeliverAsync"/>. A flood wait holds the account's drainer (and so every later
/// command of the account) until Telegram's wait is over, then the same command is sent; other accounts go on. A passing
/// failure (Telegram unreachable, the account not connected yet) is tried again after <see cref="OutboundOptions.RetryDelay"/>.
/// Pending rows survive a crash: the queue finds them at start-up. Also prunes rows older than the retention.
/// </summary>
internal sealed partial class OutboundSendQueue(
    IServiceScopeFactory scopes, SendMessageUseCase sendMessage, IOptions<OutboundOptions> options, TimeProvider time, ILogger<OutboundSendQueue> logger)
    : BackgroundService
{
    private readonly Lock _lock = new();
    private readonly Dictionary<TelegramAccountId, Drainer> _drainers = [];
    private CancellationToken _stopping = CancellationToken.None;

    /// <summary>The account has a new Pending command (called by the consumer after its commit).</summary>
    public void Signal(TelegramAccountId account)
    {
        lock (_lock)
        {
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            if (_drainers.TryGetValue(account, out var running))
            {
                running.Signalled = true;
                return;
            }

            var drainer = new Drainer { Signalled = true };
            _drainers[account] = drainer;
            drainer.Run = Task.Run(() => DrainAsync(account, drainer, _stopping), CancellationToken.None);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        Task[] running;
        lock (_lock)
        {
            running = [.. _drainers.Values.Select(d => d.Run)];
        }

        await Task.WhenAll(running).WaitAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        lock (_lock)
        {
            _stopping = stoppingToken;
        }

        var settings = options.Value;
        var nextPrune = time.GetUtcNow();
        using var timer = new PeriodicTimer(settings.PollInterval, time);
        do
        {
            try
            {
                // Commands recorded before a crash, or signalled on another replica: every account with Pending bus rows.
                List<TelegramAccountId> accounts;
                await using (var scope = scopes.CreateAsyncScope())
                {
                    var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
                    accounts = await db.OutboundMessages.AsNoTracking()
                        .Where(m => m.State == OutboundMessageState.Pending && m.Origin == OutboundOrigin.Bus)
                        .Select(m => m.AccountId).Distinct().ToListAsync(stoppingToken);
                    if (time.GetUtcNow() >= nextPrune)
                    {
                        var cutoff = time.GetUtcNow() - settings.Retention;
                        var pruned = await db.OutboundMessages
                            .Where(m => m.CreatedAt < cutoff && (m.State != OutboundMessageState.Pending || m.Origin == OutboundOrigin.Grpc))
                            .ExecuteDeleteAsync(stoppingToken);
                        if (pruned > 0)
                        {
                            LogPruned(logger, pruned);
                        }

                        nextPrune = time.GetUtcNow() + settings.PruneInterval;
                    }
                }

                foreach (var account in accounts)
                {
                    Signal(account);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogScanFailed(logger, exception);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task DrainAsync(TelegramAccountId account, Drainer drainer, CancellationToken stopping)
    {
        var settings = options.Value;
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                lock (_lock)
                {
                    drainer.Signalled = false;
                }

                long? next;
                await using (var scope = scopes.CreateAsyncScope())
                {
                    var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
                    next = await db.OutboundMessages.AsNoTracking()
                        .Where(m => m.AccountId == account && m.State == OutboundMessageState.Pending && m.Origin == OutboundOrigin.Bus)
                        .OrderBy(m => m.Id).Select(m => (long?)m.Id).FirstOrDefaultAsync(stopping);
                }

                if (next is null)
                {
                    lock (_lock)
                    {
                        if (!drainer.Signalled)
                        {
                            _drainers.Remove(account);
                            return;
                        }
                    }

                    continue;
                }

                TimeSpan pause;
                try
                {
                    var outcome = await sendMessage.DeliverAsync(account, next.Value, stopping);
                    pause = outcome.Kind switch
                    {
                        // Held back: this command goes first once the wait is over, the account's later ones after it.
                        OutboundOutcomeKind.FloodWait => outcome.RetryAfter ?? settings.RetryDelay,
                        OutboundOutcomeKind.Transient => settings.RetryDelay,
                        _ => TimeSpan.Zero,
                    };
                }
                catch (AccountNotFoundException)
                {
                    // Deleted with its rows.
                    pause = TimeSpan.Zero;
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogDeliverFailed(logger, exception, account);
                    pause = settings.RetryDelay;
                }

                if (pause > TimeSpan.Zero)
                {
                    await Task.Delay(pause, time, stopping);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        finally
        {
            lock (_lock)
            {
                if (_drainers.TryGetValue(account, out var current) && current == drainer)
                {
                    _drainers.Remove(account);
                }
            }
        }
    }

    private sealed class Drainer
    {
        public bool Signalled { get; set; }

        public Task Run { get; set; } = Task.CompletedTask;
    }

    [LoggerMessage(EventId = 5110, Level = LogLevel.Error, Message = "The outbound queue could not look for pending commands; it tries again.")]
    private static partial void LogScanFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5111, Level = LogLevel.Error, Message = "Account {AccountId}: a queued reply could not be handled; tried again.")]
    private static partial void LogDeliverFailed(ILogger logger, Exception exception, TelegramAccountId accountId);

    [LoggerMessage(EventId = 5112, Level = LogLevel.Information, Message = "Outbound: {Count} rows older than Outbound:Retention pruned.")]
    private static partial void LogPruned(ILogger logger, int count);
}
