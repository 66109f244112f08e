using System.Threading.Channels;
using Channel.Domain.Accounts;
using Channel.MTProto.Accounts;
using Channel.Persistence;
using Channel.Persistence.Leases;
using Channel.Persistence.Outbox;
using Channel.Service.Replicas;
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
/// <para>
/// Across replicas each account has one owner (<see cref="AccountLease"/>): a worker runs only under a lease this
/// replica holds. Every <c>Leases:RenewInterval</c> the replica beats its heartbeat, renews all its leases in one
/// statement, drops workers whose lease is gone, gives up leases beyond its share (ceil(Active accounts / live
/// replicas)) and takes free or expired ones up to it. Without a successful renewal for <c>Leases:DisconnectAfter</c>
/// it disconnects everything before the leases can run out; on shutdown it releases them at once.
/// </para>
/// </summary>
internal sealed partial class AccountRuntime : BackgroundService, IAccountRuntime, IAccountStatusListener
{
    private readonly IServiceScopeFactory _scopes;
    private readonly InboundStoreWriter _writer;
    private readonly IAccountConnectionFactory _connections;
    private readonly RuntimeOptions _options;
    private readonly LeaseOptions _leaseOptions;
    private readonly string _instanceId;
    private readonly Dictionary<TelegramAccountId, Lease> _leases = [];
    private DateTimeOffset? _lastRenewedAt;
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
        IServiceScopeFactory scopes, InboundStoreWriter writer, IAccountConnectionFactory connections, IOptions<RuntimeOptions> options, IOptions<LeaseOptions> leaseOptions,
        ReplicaIdentity replica, TelegramSettings telegram, TimeProvider time, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(leaseOptions);
        ArgumentNullException.ThrowIfNull(replica);
        _leaseOptions = leaseOptions.Value;
        _instanceId = replica.InstanceId;
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _scopes = scopes;
        _writer = writer;
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
        lock (_lock)
        {
            _leases.Clear();
        }

        if (!_options.Enabled)
        {
            return;
        }

        // Hand the accounts over at once: the other replicas take them at their next renewal instead of after expiry.
        try
        {
            await using var scope = _scopes.CreateAsyncScope();
            var leases = scope.ServiceProvider.GetRequiredService<AccountLeaseStore>();
            var released = await leases.ReleaseAllAsync(_instanceId, cancellationToken);
            await leases.RemoveReplicaAsync(_instanceId, cancellationToken);
            LogReleasedAll(_logger, released);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogReleaseFailed(_logger, exception);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            LogDisabled(_logger);
            _firstReconcile.TrySetResult();
            return;
        }

        // The lease round (renew, hand over, take up) runs at every reconcile; reconciles come at least this often.
        var interval = _options.ReconcileInterval < _leaseOptions.RenewInterval ? _options.ReconcileInterval : _leaseOptions.RenewInterval;
        using var timer = new PeriodicTimer(interval, _time);
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

    /// <summary>
    /// The lease round, then: every Active account whose lease this replica holds gets a worker; workers of accounts
    /// that left Active (or ended), or whose lease is gone, go; leases beyond the share are given up, free ones taken.
    /// </summary>
    private async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        IReadOnlyList<Lease> held;
        int live;
        HashSet<TelegramAccountId> active;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_leaseOptions.RenewInterval);
            await using var scope = _scopes.CreateAsyncScope();
            var leases = scope.ServiceProvider.GetRequiredService<AccountLeaseStore>();
            await leases.BeatAsync(_instanceId, now, timeout.Token);
            await leases.RenewAllAsync(_instanceId, now, now + _leaseOptions.Duration, timeout.Token);
            _lastRenewedAt = now;
            held = await leases.GetHeldAsync(_instanceId, now, timeout.Token);
            live = Math.Max(1, await leases.CountLiveReplicasAsync(now - _leaseOptions.ReplicaTimeout, now - TimeSpan.FromDays(1), timeout.Token));
            var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
            active = [.. await db.Accounts.AsNoTracking().Where(a => a.Status == AccountStatus.Active).Select(a => a.Id).ToListAsync(timeout.Token)];
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            await DisconnectIfLeasesMayRunOutAsync(now);
            throw new InvalidOperationException("The lease round failed.", exception);
        }

        var heldNow = held.ToDictionary(l => l.AccountId);
        List<AccountWorker> stale = [];
        List<Lease> release = [];
        int share;
        int missing;
        lock (_lock)
        {
            foreach (var (id, lease) in _leases.ToList())
            {
                var lost = !heldNow.TryGetValue(id, out var current) || current.Token != lease.Token;
                if (lost || !active.Contains(id))
                {
                    _leases.Remove(id);
                    if (!lost)
                    {
                        release.Add(lease);
                    }

                    if (_workers.Remove(id, out var gone))
                    {
                        stale.Add(gone);
                    }
                }
            }

            foreach (var (id, worker) in _workers.ToList())
            {
                if (worker.Completion.IsCompleted)
                {
                    _workers.Remove(id);
                    stale.Add(worker);
                    if (worker.LostLease)
                    {
                        _leases.Remove(id);
                    }
                }
            }

            // Leases the database says are ours but we do not track (after a disconnect for want of renewal, or a
            // restart under the same Leases:InstanceId): taken up again rather than renewed with nobody connected.
            foreach (var lease in held)
            {
                if (_leases.ContainsKey(lease.AccountId))
                {
                    continue;
                }

                if (active.Contains(lease.AccountId))
                {
                    _leases[lease.AccountId] = lease;
                }
                else
                {
                    release.Add(lease);
                }
            }

            // An even share: ceil(Active / live replicas). Suspended accounts (an onboarding step here) are kept.
            share = (active.Count + live - 1) / live;
            foreach (var id in _leases.Keys.Where(id => !_suspended.ContainsKey(id)).Take(Math.Max(0, _leases.Count - share)).ToList())
            {
                release.Add(_leases[id]);
                _leases.Remove(id);
                if (_workers.Remove(id, out var surplus))
                {
                    stale.Add(surplus);
                }
            }

            missing = share - _leases.Count;
        }

        // Stop first (the worker saves its session under the lease), then hand over.
        await StopAllAsync(stale);
        await ReleaseAsync(release, cancellationToken);
        var taken = missing > 0 ? await TakeAsync(active, missing, cancellationToken) : 0;

        var started = 0;
        lock (_lock)
        {
            foreach (var (id, lease) in _leases)
            {
                if (!_workers.ContainsKey(id) && !_suspended.ContainsKey(id))
                {
                    StartWorker(id, lease);
                    started++;
                }
            }
        }

        if (started > 0 || stale.Count > 0 || release.Count > 0 || taken > 0)
        {
            LogReconciled(_logger, active.Count, live, share, taken, release.Count, started, stale.Count);
        }
    }

    /// <summary>Takes up to <paramref name="count"/> free leases of Active accounts; returns how many it took.</summary>
    private async Task<int> TakeAsync(HashSet<TelegramAccountId> active, int count, CancellationToken cancellationToken)
    {
        List<TelegramAccountId> candidates;
        lock (_lock)
        {
            candidates = [.. active.Where(id => !_leases.ContainsKey(id))];
        }

        await using var scope = _scopes.CreateAsyncScope();
        var leases = scope.ServiceProvider.GetRequiredService<AccountLeaseStore>();
        var now = _time.GetUtcNow();
        var free = await leases.GetFreeAsync(candidates, now, cancellationToken);
        var taken = 0;
        foreach (var id in free)
        {
            if (taken >= count)
            {
                break;
            }

            now = _time.GetUtcNow();
            if (await leases.TryAcquireAsync(id, _instanceId, now, now + _leaseOptions.Duration, cancellationToken) is { } lease)
            {
                lock (_lock)
                {
                    _leases[id] = lease;
                }

                taken++;
            }
        }

        return taken;
    }

    private async Task ReleaseAsync(List<Lease> leases, CancellationToken cancellationToken)
    {
        if (leases.Count == 0)
        {
            return;
        }

        await using var scope = _scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<AccountLeaseStore>();
        foreach (var lease in leases)
        {
            await store.ReleaseAsync(lease, cancellationToken);
        }
    }

    /// <summary>
    /// The lease round failed: once the last renewal is <c>Leases:DisconnectAfter</c> old, every account is
    /// disconnected (leases kept: the database may be back in time), so that none is still connected here when
    /// another replica may take it over.
    /// </summary>
    private async Task DisconnectIfLeasesMayRunOutAsync(DateTimeOffset now)
    {
        if (_lastRenewedAt is not { } last || now - last < _leaseOptions.DisconnectAfter)
        {
            return;
        }

        List<AccountWorker> workers;
        lock (_lock)
        {
            workers = [.. _workers.Values];
            _workers.Clear();
            _leases.Clear();
        }

        if (workers.Count > 0)
        {
            LogDisconnectedUnrenewed(_logger, workers.Count, now - last);
            await StopAllAsync(workers);
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
        Lease? release = null;
        var lookForLeases = false;
        lock (_lock)
        {
            _workers.TryGetValue(id, out var worker);
            _leases.TryGetValue(id, out var lease);

            // A worker that ended by itself while the account is still Active had nothing to restore: the periodic
            // comparison tries again, a tight loop here would not help.
            var endedByItself = worker?.Completion.IsCompleted == true;
            if (worker is not null && (status != AccountStatus.Active || endedByItself))
            {
                _workers.Remove(id);
                stale = worker;
                worker = null;
            }

            if (stale?.LostLease == true)
            {
                _leases.Remove(id);
                lease = null;
            }
            else if (status != AccountStatus.Active && lease is not null)
            {
                _leases.Remove(id);
                release = lease;
                lease = null;
            }

            if (status == AccountStatus.Active && worker is null && !endedByItself && !_suspended.ContainsKey(id))
            {
                if (lease is not null)
                {
                    StartWorker(id, lease);
                }
                else
                {
                    // Newly Active here or elsewhere: the lease round decides who takes it.
                    lookForLeases = true;
                }
            }
        }

        if (stale is not null)
        {
            await stale.DisposeAsync();
            LogStopped(_logger, id, status?.ToString() ?? "deleted");
        }

        if (release is not null)
        {
            await ReleaseAsync([release], cancellationToken);
        }

        if (lookForLeases)
        {
            _wakeups.Writer.TryWrite(null);
        }
    }

    private void StartWorker(TelegramAccountId id, Lease lease)
    {
        var worker = new AccountWorker(
            id, lease, _scopes, _writer, _connections, _options, _telegram.SessionCheckInterval, _startGate, _time, _loggerFactory.CreateLogger<AccountWorker>());
        _workers[id] = worker;
        worker.Start();

        // A worker that ends by itself (revoked, no session, lease lost) is removed at once, and the account looked at again.
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

    [LoggerMessage(
        EventId = 5011, Level = LogLevel.Information,
        Message = "Account runtime: {Active} Active accounts over {Replicas} replica(s), share {Share}; leases taken {Taken}, released {Released}; started {Started}, stopped {Stopped}.")]
    private static partial void LogReconciled(ILogger logger, int active, int replicas, int share, int taken, int released, int started, int stopped);

    [LoggerMessage(EventId = 5015, Level = LogLevel.Information, Message = "Account runtime: released {Count} lease(s) for the other replicas.")]
    private static partial void LogReleasedAll(ILogger logger, int count);

    [LoggerMessage(EventId = 5016, Level = LogLevel.Warning, Message = "Account runtime: the leases could not be released at shutdown; the other replicas take them when they run out.")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception);

    [LoggerMessage(
        EventId = 5017, Level = LogLevel.Error,
        Message = "Account runtime: no lease renewal for {Elapsed}; {Count} account(s) disconnected before their leases can run out.")]
    private static partial void LogDisconnectedUnrenewed(ILogger logger, int count, TimeSpan elapsed);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Error, Message = "The account runtime could not compare its connections with the database; it tries again.")]
    private static partial void LogReconcileFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5013, Level = LogLevel.Information, Message = "Account {AccountId} is {Status}: its connection is stopped.")]
    private static partial void LogStopped(ILogger logger, TelegramAccountId accountId, string status);

    [LoggerMessage(EventId = 5014, Level = LogLevel.Debug, Message = "Account {AccountId}: live connection suspended for an onboarding step.")]
    private static partial void LogSuspended(ILogger logger, TelegramAccountId accountId);
}
