using System.Threading.Channels;
using Channel.MTProto.Crypto;
using Channel.MTProto.Tl;
using Channel.MTProto.Tl.Api;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Channel.MTProto.Client;

/// <summary>
/// A Telegram MTProto client for one account: one encrypted session per DC (created on first use, auth key from
/// <see cref="Session"/> or a new key exchange), typed RPC with pipelining, reconnects, and a terminal state.
/// </summary>
/// <remarks>
/// The host owns persistence: it passes the saved <see cref="MTProtoSessionState"/> in (or a new one) and saves it
/// after every <see cref="MTProtoSessionState.Changed"/>. Server-pushed updates arrive in order on
/// <see cref="Updates"/>; <see cref="SessionReset"/> says updates may have been missed (new_session_created).
/// </remarks>
internal sealed partial class MTProtoClient : IAsyncDisposable, IConnectionOwner
{
    private readonly MTProtoClientOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly IRandomSource _random;
    private readonly Dictionary<int, MTProtoConnection> _connections = [];
    private readonly Lock _lock = new();
    private readonly UpdateQueue _updates;

    private string? _terminalError;
    private long _lastUpdateTicks;
    private bool _disposed;

    public MTProtoClient(MTProtoClientOptions options, MTProtoSessionState? session = null, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
        : this(options, session, loggerFactory, timeProvider, SystemRandomSource.Instance)
    {
    }

    /// <summary>With injected randomness, for tests that replay known values.</summary>
    internal MTProtoClient(MTProtoClientOptions options, MTProtoSessionState? session, ILoggerFactory? loggerFactory, TimeProvider? timeProvider, IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        Session = session ?? new MTProtoSessionState();
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<MTProtoClient>();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _random = random;
        _updates = new UpdateQueue(options.UpdatesQueueCapacity);
        Addresses = new DcAddressBook(options.DataCenters);
    }

    /// <summary>The state the host persists; shared with the connections, which update it as keys and salts change.</summary>
    public MTProtoSessionState Session { get; }

    /// <summary>Raised once when the client stops for good (see <see cref="MTProtoTerminalException"/>).</summary>
    public event EventHandler<MTProtoTerminalErrorEventArgs>? TerminalError;

    /// <summary>new_session_created on a DC: the updates engine should call getDifference.</summary>
    public event EventHandler<MTProtoSessionResetEventArgs>? SessionReset;

    /// <summary>A transport connection closed (typed reason); the client reconnects unless terminal.</summary>
    public event EventHandler<MTProtoDisconnectedEventArgs>? Disconnected;

    /// <summary>A transport connection to a DC is up with an auth key (first connect and every reconnect).</summary>
    public event EventHandler<MTProtoConnectedEventArgs>? Connected;

    /// <summary>Server-pushed Updates constructors (not RPC results), in the order they arrived (the reader of <see cref="UpdatesQueue"/>).</summary>
    public ChannelReader<UpdatesBase> Updates => _updates.Reader;

    /// <summary>
    /// Where pushes wait for the updates engine. Never blocks the connection; on overflow an update is dropped and
    /// marked, and the engine fetches the difference.
    /// </summary>
    public UpdateQueue UpdatesQueue => _updates;

    /// <summary>When the last server-pushed update arrived, or null if none has.</summary>
    public DateTimeOffset? LastUpdateAt => Interlocked.Read(ref _lastUpdateTicks) is var ticks and not 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>The error that stopped the client, or null while it is usable.</summary>
    public string? TerminalErrorName => Volatile.Read(ref _terminalError);

    /// <summary>Connects to the main DC (creating an auth key if there is none) and waits until the session is usable.</summary>
    public Task ConnectAsync(CancellationToken cancellationToken = default) =>
        GetConnection(Session.MainDcId).WaitUntilReadyAsync(cancellationToken);

    /// <summary>Calls <paramref name="request"/> on the main DC with the default timeout.</summary>
    /// <exception cref="TelegramRpcException">The server answered with rpc_error.</exception>
    /// <exception cref="TimeoutException">No answer within the timeout.</exception>
    /// <exception cref="MTProtoTerminalException">The client stopped for good.</exception>
    public Task<TResult> InvokeAsync<TResult>(ITlMethod<TResult> request, CancellationToken cancellationToken = default) =>
        InvokeAsync(request, timeout: null, cancellationToken);

    /// <summary>Calls <paramref name="request"/> on the main DC; <paramref name="timeout"/> overrides the default.</summary>
    public Task<TResult> InvokeAsync<TResult>(ITlMethod<TResult> request, TimeSpan? timeout, CancellationToken cancellationToken = default) =>
        InvokeOnDcAsync(Session.MainDcId, request, timeout, cancellationToken);

    /// <summary>Calls <paramref name="request"/> on a given DC (its own auth key; created on first use).</summary>
    public Task<TResult> InvokeOnDcAsync<TResult>(int dcId, ITlMethod<TResult> request, TimeSpan? timeout, CancellationToken cancellationToken = default)
    {
        var connection = GetConnection(dcId);
        connection.Start();
        return MTProtoTelemetry.TraceAsync(dcId, request, () => connection.InvokeAsync(request, timeout, cancellationToken));
    }

    /// <summary>
    /// An MTProto ping on the main DC: a round trip that reaches the server but no API method (health checks,
    /// latency). Not re-sent after a reconnect.
    /// </summary>
    public Task<Tl.Mt.PongBase> PingAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var connection = GetConnection(Session.MainDcId);
        connection.Start();
        return connection.PingAsync(timeout, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        MTProtoConnection[] connections;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            connections = [.. _connections.Values];
            _connections.Clear();
        }

        foreach (var connection in connections)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        _updates.Complete();
    }

    private MTProtoConnection GetConnection(int dcId)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_terminalError is { } error)
            {
                throw new MTProtoTerminalException(error);
            }

            if (!_connections.TryGetValue(dcId, out var connection))
            {
                connection = new MTProtoConnection(dcId, _options, Session, this, _loggerFactory.CreateLogger<MTProtoConnection>(), _timeProvider, _random, ct => GetEndPointsAsync(dcId, forMedia: false, ct));
                _connections[dcId] = connection;
            }

            return connection;
        }
    }

    /// <summary>
    /// Events run on the thread pool, never on a connection loop: a handler that disposes the client (or blocks)
    /// must not wait for the very loop that raised it. Each handler runs on its own guard: an exception there would
    /// otherwise be unhandled on a pool thread and end the process; it is logged, and the other handlers still run.
    /// </summary>
    private void Raise<TArgs>(EventHandler<TArgs>? handler, TArgs args, string eventName)
        where TArgs : EventArgs
    {
        if (handler is null)
        {
            return;
        }

        ThreadPool.QueueUserWorkItem(
            state =>
            {
                foreach (var single in handler.GetInvocationList())
                {
                    try
                    {
                        ((EventHandler<TArgs>)single)(this, state);
                    }
                    catch (Exception e)
                    {
                        Log.EventHandlerFailed(_logger, eventName, e);
                    }
                }
            },
            args,
            preferLocal: false);
    }

    void IConnectionOwner.OnUpdate(int dcId, UpdatesBase update)
    {
        Interlocked.Exchange(ref _lastUpdateTicks, _timeProvider.GetUtcNow().UtcTicks);
        if (!_updates.TryWrite(update))
        {
            Log.UpdateDropped(_logger);
        }
    }

    void IConnectionOwner.OnConnected(int dcId) => Raise(Connected, new MTProtoConnectedEventArgs(dcId), nameof(Connected));

    void IConnectionOwner.OnSessionReset(int dcId) => Raise(SessionReset, new MTProtoSessionResetEventArgs(dcId), nameof(SessionReset));

    void IConnectionOwner.OnDisconnected(int dcId, string reason, Exception exception) =>
        Raise(Disconnected, new MTProtoDisconnectedEventArgs(dcId, reason, exception), nameof(Disconnected));

    void IConnectionOwner.OnTerminalError(int dcId, string error)
    {
        MTProtoConnection[] others;
        lock (_lock)
        {
            if (_terminalError is not null)
            {
                return;
            }

            _terminalError = error;
            others = [.. _connections.Values.Where(c => c.DcId != dcId)];
        }

        Raise(TerminalError, new MTProtoTerminalErrorEventArgs(dcId, error), nameof(TerminalError));

        // The account is unusable on every DC; stop the others in the background.
        _ = Task.WhenAll(others.Select(c => c.DisposeAsync().AsTask()));
    }
}
