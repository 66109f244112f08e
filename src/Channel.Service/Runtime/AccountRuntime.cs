using System.Threading.Channels;
using Channel.Domain.Accounts;
using Channel.MTProto.Accounts;
using Channel.Persistence;
using Channel.Persistence.Outbox;
using Channel.Service.Telegram;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Channel.Service.Runtime;

/// <summary>
/// The account runtime: one live connection (<see cref="AccountWorker"/>) for every Active account of the database,
/// brought up at start-up and the moment an account becomes Active (the outbox's status notification), stopped when
/// it leaves Active or is deleted, and compared with the database every <see cref="RuntimeOptions.ReconcileInterval"/>
/// in case a notification was missed (another replica changed the account, say). Onboarding steps
/// <see cref="SuspendAsync">suspend</see> an account first, so two clients never use one auth key at once.
/// </summary>
internal sealed partial class AccountRuntime : BackgroundService, IAccountRuntime, IAccountStatusListener
{
    private readonly IServiceScopeFactory _scopes;
    private readonly IAccountConnectionFactory _connections;
    private readonly RuntimeOptions _options;
    private readonly TelegramSettings _telegram;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _startGate;
    private readonly Lock _lock = new();
    private readonly Dictionary<TelegramAccountId, AccountWorker> _workers = [];
    private readonly Dictionary<TelegramAccountId, int> _suspended = [];
    private readonly Channel<TelegramAccountId?> _wakeups = System.Threading.Channels.Channel.CreateUnbounded<TelegramAccountId?>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource _firstReconcile = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public AccountRuntime(
        IServiceScopeFactory scopes, IAccountConnectionFactory connections, IOptions<RuntimeOptions> options, TelegramSettings telegram,
        TimeProvider time, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _scopes = scopes;
        _connections = connections;
        _options = options.Value;
        _telegram = telegram;
        _time = time;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<AccountRuntime>();
        _startGate = new SemaphoreSlim(_options.StartConcurrency, _options.StartConcurrency);
    }

    /// <summary>Completes once the first comparison with the database has started every Active account's worker.</summary>
    public Task Started => _firstReconcile.Task;

    /// <summary>How many accounts have a worker, and how many of those are connected now.</summary>
    public (int Held, int Connected) Counts
    {
        get
        {
            lock (_lock)
            {
                return (_workers.Count, _workers.Values.Count(w => w.Status.State == AccountConnectionState.Connected));
            }
        }
    }

    /// <summary>Whether this replica holds the account's live connection (the session check then rides on it).</summary>
    public bool Holds(TelegramAccountId id)
    {
        lock (_lock)
        {
            return _workers.ContainsKey(id);
        }
    }

    /// <summary>The account's connection as GetAccount shows it; null when this replica holds none.</summary>
    public AccountConnectionStatus? GetStatus(TelegramAccountId id)
    {
        lock (_lock)
        {
            return _workers.TryGetValue(id, out var worker) ? worker.Status : null;
        }
    }

    public IAccountConnection? GetConnection(TelegramAccountId id)
    {
        lock (_lock)
        {
            return _workers.TryGetValue(id, out var worker) ? worker.Connection : null;
        }
    }

    /// <summary>
    /// Stops the account's live connection (saving its session) and keeps it stopped until the returned handle is
    /// disposed; then the account is looked at again (still Active: reconnected from the session the step saved).
    /// </summary>
    public async Task<IAsyncDisposable> SuspendAsync(TelegramAccountId id, CancellationToken cancellationToken)
    {
        AccountWorker? worker;
        lock (_lock)
        {
            _suspended[id] = _suspended.GetValueOrDefault(id) + 1;
            _workers.Remove(id, out worker);
        }

        if (worker is not null)
        {
            await worker.DisposeAsync().AsTask().WaitAsync(cancellationToken);
            LogSuspended(_logger, id);
        }

        return new Suspension(this, id);
    }

    /// <summary>Called after a save committed a status change (the outbox's notification): start or stop at once.</summary>
    public void OnAccountStatusChanged(TelegramAccountId accountId, AccountStatus status) => _wakeups.Writer.TryWrite(accountId);

    public void OnAccountDeleted(TelegramAccountId accountId) => _wakeups.Writer.TryWrite(accountId);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        AccountWorker[] workers;
        lock (_lock)
        {
            workers = [.. _workers.Values];
            _workers.Clear();
        }

        // In parallel: each saves its session; a shutdown must not take a second per account.
        await Task.WhenAll(workers.Select(w => w.DisposeAsync().AsTask()));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            LogDisabled(_logger);
            _firstReconcile.TrySetResult();
            return;
        }

        using var timer = new PeriodicTimer(_options.ReconcileInterval, _time);
        var reconcile = ReconcileTicksAsync(timer, stoppingToken);
        _wakeups.Writer.TryWrite(null);
        try
        {
            await foreach (var wakeup in _wakeups.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    if (wakeup is { } id)
                    {
                        await EvaluateAsync(id, stoppingToken);
                    }
                    else
                    {
                        await ReconcileAsync(stoppingToken);
                        _firstReconcile.TrySetResult();
                    }
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // The database may be down for a moment; the next wake-up or tick tries again.
                    LogReconcileFailed(_logger, exception);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await reconcile;
    }

    private async Task ReconcileTicksAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                _wakeups.Writer.TryWrite(null);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Every Active account gets a worker; workers of accounts that left Active (or ended) go.</summary>
    private async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        HashSet<TelegramAccountId> active;
        await using (var scope = _scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
            active = [.. await db.Accounts.AsNoTracking().Where(a => a.Status == AccountStatus.Active).Select(a => a.Id).ToListAsync(cancellationToken)];
        }

        List<AccountWorker> stale = [];
        var started = 0;
        lock (_lock)
        {
            foreach (var (id, worker) in _workers.ToList())
            {
                if (!active.Contains(id) || worker.Completion.IsCompleted)
                {
                    _workers.Remove(id);
                    stale.Add(worker);
                }
            }

            foreach (var id in active)
            {
                if (!_workers.ContainsKey(id) && !_suspended.ContainsKey(id))
                {
                    StartWorker(id);
                    started++;
                }
            }
        }

        await StopAllAsync(stale);
        if (started > 0 || stale.Count > 0)
        {
            LogReconciled(_logger, active.Count, started, stale.Count);
        }
    }

    private async Task EvaluateAsync(TelegramAccountId id, CancellationToken cancellationToken)
    {
        AccountStatus? status;
        await using (var scope = _scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
            status = await db.Accounts.AsNoTracking().Where(a => a.Id == id).Select(a => (AccountStatus?)a.Status).SingleOrDefaultAsync(cancellationToken);
        }

        AccountWorker? stale = null;
        lock (_lock)
        {
            _workers.TryGetValue(id, out var worker);

            // A worker that ended by itself while the account is still Active had nothing to restore: the periodic
            // comparison tries again, a tight loop here would not help.
            var endedByItself = worker?.Completion.IsCompleted == true;
            if (worker is not null && (status != AccountStatus.Active || endedByItself))
            {
                _workers.Remove(id);
                stale = worker;
                worker = null;
            }

            if (status == AccountStatus.Active && worker is null && !endedByItself && !_suspended.ContainsKey(id))
            {
                StartWorker(id);
            }
        }

        if (stale is not null)
        {
            await stale.DisposeAsync();
            LogStopped(_logger, id, status?.ToString() ?? "deleted");
        }
    }

    private void StartWorker(TelegramAccountId id)
    {
        var worker = new AccountWorker(
            id, _scopes, _connections, _options, _telegram.SessionCheckInterval, _startGate, _time, _loggerFactory.CreateLogger<AccountWorker>());
        _workers[id] = worker;
        worker.Start();

        // A worker that ends by itself (revoked, no session) is removed at once, and the account looked at again.
        _ = worker.Completion.ContinueWith(_ => _wakeups.Writer.TryWrite(id), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private static Task StopAllAsync(List<AccountWorker> workers) => Task.WhenAll(workers.Select(w => w.DisposeAsync().AsTask()));

    private void Resume(TelegramAccountId id)
    {
        lock (_lock)
        {
            if (_suspended.TryGetValue(id, out var count) && --count > 0)
            {
                _suspended[id] = count;
                return;
            }

            _suspended.Remove(id);
        }

        _wakeups.Writer.TryWrite(id);
    }

    private sealed class Suspension(AccountRuntime runtime, TelegramAccountId id) : IAsyncDisposable
    {
        private int _disposed;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                runtime.Resume(id);
            }

            return ValueTask.CompletedTask;
        }
    }

    [LoggerMessage(EventId = 5010, Level = LogLevel.Warning, Message = "The account runtime is off (Runtime:Enabled=false): Active accounts are not connected and receive nothing.")]
    private static partial void LogDisabled(ILogger logger);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Information, Message = "Account runtime: {Active} Active accounts; started {Started}, stopped {Stopped}.")]
    private static partial void LogReconciled(ILogger logger, int active, int started, int stopped);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Error, Message = "The account runtime could not compare its connections with the database; it tries again.")]
    private static partial void LogReconcileFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5013, Level = LogLevel.Information, Message = "Account {AccountId} is {Status}: its connection is stopped.")]
    private static partial void LogStopped(ILogger logger, TelegramAccountId accountId, string status);

    [LoggerMessage(EventId = 5014, Level = LogLevel.Debug, Message = "Account {AccountId}: live connection suspended for an onboarding step.")]
    private static partial void LogSuspended(ILogger logger, TelegramAccountId accountId);
}
