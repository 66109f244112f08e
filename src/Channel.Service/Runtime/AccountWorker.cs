using System.Security.Cryptography;
using Channel.Domain.Accounts;
using Channel.MTProto.Accounts;
using Channel.MTProto.Client;
using Channel.MTProto.Peers;
using Channel.Persistence;
using Channel.Persistence.Leases;
using Channel.Persistence.Secrets;
using Channel.Service.Onboarding;
using Channel.Service.Telegram;

namespace Channel.Service.Runtime;

/// <summary>
/// Keeps one Active account connected: restores its connection from the stored session, stores its batches
/// (<see cref="InboundBatchHandler"/>), saves session changes, checks the session on the live connection, and when
/// the connection cannot start or stops unexpectedly tries again with jittered backoff. When Telegram ends the session
/// (revoked, banned, deleted) the loss is recorded once and the worker ends: no reconnect loop.
/// <para>
/// It works under the account's <see cref="Lease"/>: every write (batches, peers, session) is fenced by its token, and
/// (re)connecting checks it first. A fenced write that finds the lease gone ends the worker at once
/// (<see cref="LostLease"/>); the runtime does not restart it unless it takes the lease again.
/// </para>
/// </summary>
internal sealed partial class AccountWorker : IAsyncDisposable
{
    private readonly TelegramAccountId _id;
    private readonly Lease _lease;
    private readonly TaskCompletionSource _lost = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly IServiceScopeFactory _scopes;
    private readonly InboundStoreWriter _writer;
    private readonly IAccountConnectionFactory _connections;
    private readonly RuntimeOptions _options;
    private readonly TimeSpan _checkInterval;
    private readonly SemaphoreSlim _startGate;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _sessionSaves = new(0, 1);
    private readonly Lock _statusLock = new();
    private AccountConnectionStatus _status;
    private IAccountConnection? _connection;
    private InboundBatchHandler? _handler;
    private int _peersDirty;
    private int _sessionDirty;
    private Task _run = Task.CompletedTask;

    public AccountWorker(
        TelegramAccountId id, Lease lease, IServiceScopeFactory scopes, InboundStoreWriter writer, IAccountConnectionFactory connections, RuntimeOptions options,
        TimeSpan checkInterval, SemaphoreSlim startGate, TimeProvider time, ILogger logger)
    {
        _id = id;
        _lease = lease;
        _scopes = scopes;
        _writer = writer;
        _connections = connections;
        _options = options;
        _checkInterval = checkInterval;
        _startGate = startGate;
        _time = time;
        _logger = logger;
        _status = new AccountConnectionStatus(AccountConnectionState.Connecting, time.GetUtcNow(), null, null);
    }

    public TelegramAccountId Id => _id;

    /// <summary>The lease the worker runs under.</summary>
    public Lease Lease => _lease;

    /// <summary>True once a fenced write found the lease gone: the worker has ended (or is ending) for good.</summary>
    public bool LostLease => _lost.Task.IsCompleted;

    /// <summary>Completes when the worker has stopped (disposed, or the account left Active).</summary>
    public Task Completion => _run;

    /// <summary>What GetAccount shows: the live connection's state, or ours while there is none.</summary>
    public AccountConnectionStatus Status
    {
        get
        {
            lock (_statusLock)
            {
                var lastUpdate = _handler?.LastStoredAt ?? _status.LastUpdateAt;
                return _connection is { } connection && _status.State == AccountConnectionState.Connected
                    ? connection.Status with { LastUpdateAt = Latest(connection.Status.LastUpdateAt, lastUpdate) }
                    : _status with { LastUpdateAt = lastUpdate };
            }
        }
    }

    /// <summary>The live connection once it is started and until it stops; null otherwise.</summary>
    public IAccountConnection? Connection
    {
        get
        {
            lock (_statusLock)
            {
                return _status.State == AccountConnectionState.Connected ? _connection : null;
            }
        }
    }

    public void Start() => _run = Task.Run(() => RunAsync(_stopping.Token));

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _run;
        _stopping.Dispose();
        _sessionSaves.Dispose();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var attempt = 0;
        while (!stopping.IsCancellationRequested && !LostLease)
        {
            string? lastError;
            try
            {
                switch (await RunOnceAsync(stopping))
                {
                    case RunOutcome.Ended:
                        return;
                    case RunOutcome.Restart:
                        attempt = 0;
                        lastError = _status.LastError;
                        break;
                    default:
                        continue;
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (LeaseLostException)
            {
                OnLeaseLost();
                return;
            }
            catch (Exception exception)
            {
                if (TelegramFailures.LossOf(exception) is not null && await RecordLossAsync(exception))
                {
                    return;
                }

                lastError = TelegramFailures.IsTelegramFailure(exception) ? TelegramFailures.ReasonOf(exception) : exception.GetType().Name;
                LogStartFailed(_logger, TelegramFailures.IsTelegramFailure(exception) ? null : exception, _id, lastError);
            }

            if (LostLease)
            {
                return;
            }

            attempt++;
            var delay = Backoff(attempt);
            SetStatus(AccountConnectionState.Reconnecting, lastError);
            try
            {
                await Task.Delay(delay, _time, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>A fenced write found the lease gone: stop for good, once.</summary>
    private void OnLeaseLost()
    {
        if (_lost.TrySetResult())
        {
            SetStatus(AccountConnectionState.Stopped, "lease lost");
            LogLeaseLost(_logger, _id, _lease.Token);
        }
    }

    /// <summary>Before (re)connecting: is the lease still ours? (A reconnect after a long backoff may come after it ran out.)</summary>
    private async Task CheckLeaseAsync(CancellationToken cancellationToken)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
        var leases = scope.ServiceProvider.GetRequiredService<AccountLeaseStore>();
        await db.InTransactionAsync(ct => leases.FenceAsync(_lease, _time.GetUtcNow(), ct), cancellationToken);
    }

    /// <summary>One connection's life, from restore to its end.</summary>
    private async Task<RunOutcome> RunOnceAsync(CancellationToken stopping)
    {
        IAccountConnection connection;
        Task saver;

        // Ends this connection's session saver with the connection, not only with the worker.
        using var connectionLife = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        await _startGate.WaitAsync(stopping);
        try
        {
            await CheckLeaseAsync(stopping);
            RestoredAccount? restored;
            await using (var scope = _scopes.CreateAsyncScope())
            {
                restored = await scope.ServiceProvider.GetRequiredService<AccountRestorer>().RestoreAsync(_id, stopping);
            }

            if (restored is null)
            {
                SetStatus(AccountConnectionState.Stopped, null);
                return RunOutcome.Ended;
            }

            try
            {
                connection = await _connections.CreateAsync(restored, stopping);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(restored.Session);
            }

            var translator = new InboundEventTranslator(_id, restored.HelpdeskAccountId, peer => (connection as AccountConnection)?.FindPeer(peer), _time);
            var handler = new InboundBatchHandler(_id, _lease, OnLeaseLost, translator, TakeChangedPeers, () => Volatile.Write(ref _peersDirty, 1), _writer, _time, _logger);
            connection.SessionChanged += OnSessionChanged;
            connection.PeersChanged += OnPeersChanged;
            connection.StatusChanged += OnConnectionStatusChanged;
            lock (_statusLock)
            {
                _connection = connection;
                _handler = handler;
            }

            saver = Task.Run(() => SaveSessionLoopAsync(connection, connectionLife.Token), CancellationToken.None);
            try
            {
                // A session stored before update states had their own table carries the state in the blob: used once.
                var savedState = restored.UpdateState ?? (connection as AccountConnection)?.LegacyUpdateState;
                await connection.StartAsync(savedState, handler, stopping);
            }
            catch
            {
                await StopConnectionAsync(connection, saver, connectionLife);
                throw;
            }
        }
        finally
        {
            _startGate.Release();
        }

        SetStatus(AccountConnectionState.Connected, null);
        LogConnected(_logger, _id);
        try
        {
            var ended = await WatchAsync(connection, stopping);
            if (ended is { } terminalError)
            {
                await StopConnectionAsync(connection, saver, connectionLife);
                return await RecordLossAsync(new MTProtoTerminalException(terminalError)) ? RunOutcome.Ended : RunOutcome.Restart;
            }

            return stopping.IsCancellationRequested || LostLease ? RunOutcome.Ended : RunOutcome.Restart;
        }
        finally
        {
            await StopConnectionAsync(connection, saver, connectionLife);
        }
    }

    /// <summary>Waits for the connection to end, checking the session on it every <c>Telegram:SessionCheckInterval</c>.</summary>
    /// <returns>The terminal Telegram error, or null when it stopped otherwise.</returns>
    private async Task<string?> WatchAsync(IAccountConnection connection, CancellationToken stopping)
    {
        if (_checkInterval <= TimeSpan.Zero)
        {
            var first = await Task.WhenAny(connection.Stopped, _lost.Task).WaitAsync(stopping);
            return first == connection.Stopped ? await connection.Stopped : null;
        }

        using var timer = new PeriodicTimer(_checkInterval, _time);
        while (true)
        {
            var tick = timer.WaitForNextTickAsync(stopping).AsTask();
            var first = await Task.WhenAny(connection.Stopped, tick, _lost.Task);
            if (first == connection.Stopped)
            {
                return await connection.Stopped;
            }

            if (first == _lost.Task)
            {
                return null;
            }

            await tick;
            try
            {
                await connection.CheckSessionAsync(stopping);
            }
            catch (Exception exception) when (TelegramFailures.LossOf(exception) is not null)
            {
                return TelegramFailures.ReasonOf(exception);
            }
            catch (Exception exception) when (TelegramFailures.IsTelegramFailure(exception))
            {
                // Unreachable or a passing error: the connection itself reconnects; the next check asks again.
                LogCheckInconclusive(_logger, _id, TelegramFailures.ReasonOf(exception));
            }
        }
    }

    private async Task StopConnectionAsync(IAccountConnection connection, Task saver, CancellationTokenSource connectionLife)
    {
        lock (_statusLock)
        {
            if (_connection is null)
            {
                return;
            }

            _connection = null;
        }

        connection.StatusChanged -= OnConnectionStatusChanged;
        connection.SessionChanged -= OnSessionChanged;
        connection.PeersChanged -= OnPeersChanged;
        await connection.DisposeAsync();
        await connectionLife.CancelAsync();
        try
        {
            await saver;
        }
        catch (OperationCanceledException)
        {
        }

        // The last salts and keys must not be lost with the connection.
        if (Interlocked.Exchange(ref _sessionDirty, 0) == 1)
        {
            await SaveSessionAsync(connection, CancellationToken.None);
        }
    }

    /// <summary>Records that Telegram ended the account (status, audit, outbox event) and forgets the dead session.</summary>
    /// <returns>False when the account was no longer Active (someone else already moved it): nothing recorded.</returns>
    private async Task<bool> RecordLossAsync(Exception failure)
    {
        SetStatus(AccountConnectionState.Stopped, TelegramFailures.ReasonOf(failure));
        try
        {
            // A replica whose lease was taken over must not end the account: its AUTH_KEY_DUPLICATED means the new
            // owner is connected. (A check, not a fence held across the recording: the audit writes on a connection of
            // its own, which SQLite's single writer would make wait on ours.)
            await CheckLeaseAsync(CancellationToken.None);
            await using var scope = _scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<Persistence.ChannelDbContext>();
            var account = await db.Accounts.FindAsync([_id], CancellationToken.None);
            if (account is null)
            {
                return true;
            }

            if (await scope.ServiceProvider.GetRequiredService<AccountLossRecorder>().TryRecordAsync(account, failure))
            {
                await scope.ServiceProvider.GetRequiredService<AccountSecretStore>().DeleteSessionAsync(_id, CancellationToken.None);
            }

            return true;
        }
        catch (LeaseLostException)
        {
            OnLeaseLost();
            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The database is down: the connection is dead anyway; the next attempt meets the same error and records it.
            LogLossNotRecorded(_logger, exception, _id);
            return false;
        }
    }

    private async Task SaveSessionLoopAsync(IAccountConnection connection, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            await _sessionSaves.WaitAsync(stopping);

            // Salts and clock offsets change in bursts; one save covers them.
            await Task.Delay(_options.SessionSaveDelay, _time, stopping);
            if (Interlocked.Exchange(ref _sessionDirty, 0) == 1)
            {
                try
                {
                    await SaveSessionAsync(connection, stopping);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    Volatile.Write(ref _sessionDirty, 1);
                    LogSessionNotSaved(_logger, exception, _id);
                }
            }
        }
    }

    private async Task SaveSessionAsync(IAccountConnection connection, CancellationToken cancellationToken)
    {
        if (LostLease)
        {
            // The new owner's session is the one that counts now.
            return;
        }

        var bytes = connection.SerializeSession();
        try
        {
            await using var scope = _scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
            var leases = scope.ServiceProvider.GetRequiredService<AccountLeaseStore>();
            var secrets = scope.ServiceProvider.GetRequiredService<AccountSecretStore>();
            await db.InTransactionAsync(
                async ct =>
                {
                    await leases.FenceAsync(_lease, _time.GetUtcNow(), ct);
                    await secrets.SaveSessionAsync(_id, bytes, ct);
                },
                cancellationToken);
        }
        catch (AccountNotFoundException)
        {
            // Deleted meanwhile: nothing to keep.
        }
        catch (LeaseLostException)
        {
            OnLeaseLost();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    private byte[]? TakeChangedPeers()
    {
        var connection = Volatile.Read(ref _connection);
        return connection is not null && Interlocked.Exchange(ref _peersDirty, 0) == 1 ? connection.SerializePeers() : null;
    }

    private void OnSessionChanged(object? sender, EventArgs e)
    {
        if (Interlocked.Exchange(ref _sessionDirty, 1) == 0)
        {
            try
            {
                _sessionSaves.Release();
            }
            catch (SemaphoreFullException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    private void OnPeersChanged(object? sender, EventArgs e) => Volatile.Write(ref _peersDirty, 1);

    private void OnConnectionStatusChanged(object? sender, AccountConnectionStatus status)
    {
        if (status.State == AccountConnectionState.Reconnecting)
        {
            LogReconnecting(_logger, _id, status.LastError ?? "unknown");
        }
    }

    private void SetStatus(AccountConnectionState state, string? lastError)
    {
        lock (_statusLock)
        {
            if (_status.State != state || _status.LastError != lastError)
            {
                _status = new AccountConnectionStatus(state, _status.State == state ? _status.Since : _time.GetUtcNow(), lastError ?? _status.LastError, _status.LastUpdateAt);
            }
        }
    }

    // ±20 %: accounts that failed together (Telegram down) must not come back together.
#pragma warning disable CA5394 // Jitter, not security.
    private TimeSpan Backoff(int attempt) =>
        ExponentialBackoff.Delay(attempt, _options.RestartDelay, _options.RestartMaxDelay, jitter: 0.2, Random.Shared.NextDouble());
#pragma warning restore CA5394

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    private enum RunOutcome
    {
        Ended,
        Restart,
    }

    [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "Account {AccountId} is connected and receiving updates.")]
    private static partial void LogConnected(ILogger logger, TelegramAccountId accountId);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Account {AccountId} could not be connected ({Reason}); trying again with backoff.")]
    private static partial void LogStartFailed(ILogger logger, Exception? exception, TelegramAccountId accountId, string reason);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Account {AccountId} lost its connection ({Reason}); reconnecting.")]
    private static partial void LogReconnecting(ILogger logger, TelegramAccountId accountId, string reason);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Debug, Message = "The session check of account {AccountId} was inconclusive ({Reason}).")]
    private static partial void LogCheckInconclusive(ILogger logger, TelegramAccountId accountId, string reason);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Error, Message = "Telegram ended the session of account {AccountId}, but the database did not take the change; trying again.")]
    private static partial void LogLossNotRecorded(ILogger logger, Exception exception, TelegramAccountId accountId);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Warning, Message = "Account {AccountId}: this replica no longer holds its lease (token {Token}); the connection is stopped and nothing more is written.")]
    private static partial void LogLeaseLost(ILogger logger, TelegramAccountId accountId, long token);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "The session of account {AccountId} could not be saved; trying again.")]
    private static partial void LogSessionNotSaved(ILogger logger, Exception exception, TelegramAccountId accountId);
}
