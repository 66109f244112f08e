using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using Channel.MTProto.Crypto;
using Channel.MTProto.Session;
using Channel.MTProto.Tl.Api;
using Microsoft.Extensions.Logging;

namespace Channel.MTProto.Client;

/// <summary>What a connection reports to the client that owns it.</summary>
internal interface IConnectionOwner
{
    void OnUpdate(int dcId, UpdatesBase update);

    /// <summary>new_session_created: the server may have dropped updates; the updates engine should getDifference.</summary>
    void OnSessionReset(int dcId);

    void OnTerminalError(int dcId, string error);

    void OnDisconnected(int dcId, string reason, Exception exception);

    /// <summary>A transport connection is up with an auth key, ready for calls.</summary>
    void OnConnected(int dcId);
}

/// <summary>
/// One DC's encrypted MTProto session over a reconnecting TCP transport: the auth key (created by the exchange
/// if the session state has none), session id, salts, msg ids and seqno, the pending-request table, and three loops
/// per transport connection — receive, send (queue drained into containers with piggy-backed acks) and keep-alive
/// (ping_delay_disconnect, get_future_salts). A failed transport connection is logged with its typed reason, the
/// unanswered requests are queued for re-sending and the run loop reconnects with backoff and jitter, until a
/// terminal error or disposal.
/// </summary>
/// <remarks>Split by concern: .Send, .Receive, .ServiceMessages, .Handshake, .Reconnect.</remarks>
internal sealed partial class MTProtoConnection : IAsyncDisposable
{
    private readonly int _dcId;
    private readonly MTProtoClientOptions _options;
    private readonly MTProtoSessionState _state;
    private readonly IConnectionOwner _owner;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly IRandomSource _random;
    private readonly Func<CancellationToken, Task<IReadOnlyList<EndPoint>>> _endPoints;
    private readonly MessageIdGenerator _messageIds;
    private readonly SeqNoCounter _seqNo = new();
    private readonly ReceivedMessageWindow _received = new();

    /// <summary>Sent and unanswered, by the msg_id they were last sent with.</summary>
    private readonly ConcurrentDictionary<long, PendingRequest> _pending = new();

    /// <summary>Container msg_id → the msg_ids inside, for bad_msg_notification / bad_server_salt about a container.</summary>
    private readonly ConcurrentDictionary<long, long[]> _containers = new();

    private readonly ConcurrentQueue<PendingRequest> _outbox = new();
    private readonly ConcurrentQueue<PendingRequest> _resend = new();
    private readonly ConcurrentQueue<long> _acks = new();
    private readonly Channel<bool> _sendSignal = System.Threading.Channels.Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    private readonly CancellationTokenSource _lifetime = new();
    private readonly Lock _lock = new();
    private TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _run;
    private AuthKey? _authKey;
    private long _sessionId;
    private long _salt;
    private int _ackCount;
    private volatile bool _needsInitConnection;
    private volatile string? _terminalError;
    private bool _disposed;

    public MTProtoConnection(
        int dcId,
        MTProtoClientOptions options,
        MTProtoSessionState state,
        IConnectionOwner owner,
        ILogger logger,
        TimeProvider timeProvider,
        IRandomSource random,
        Func<CancellationToken, Task<IReadOnlyList<EndPoint>>> endPoints)
    {
        _dcId = dcId;
        _options = options;
        _state = state;
        _owner = owner;
        _logger = logger;
        _timeProvider = timeProvider;
        _random = random;
        _endPoints = endPoints;
        _messageIds = new MessageIdGenerator(timeProvider) { ClockOffset = state.GetTimeOffset(dcId) };
        _sessionId = RandomInt64();
        _initConnectionPrefix = BuildInitConnectionPrefix(options);
    }

    public int DcId => _dcId;

    /// <summary>The error that stopped this connection for good, or null.</summary>
    public string? TerminalError => _terminalError;

    /// <summary>Starts the run loop once; later calls do nothing.</summary>
    public void Start()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ThrowIfTerminal();
            _run ??= Task.Run(RunAsync);
        }
    }

    /// <summary>Completes once a transport connection is up with an auth key (starting the connection if needed).</summary>
    public async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        Start();
        Task ready;
        lock (_lock)
        {
            ready = _ready.Task;
        }

        await ready.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        Task? run;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _lifetime.Cancel();
            run = _run;
        }

        if (run is not null)
        {
            await run.ConfigureAwait(false);
        }

        FailEverything(new ObjectDisposedException(nameof(MTProtoConnection)));
        _lifetime.Dispose();
    }

    /// <summary>Fails every request that is queued or waiting for an answer.</summary>
    private void FailEverything(Exception exception)
    {
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var request))
            {
                request.Fail(exception);
            }
        }

        while (_resend.TryDequeue(out var request) || _outbox.TryDequeue(out request))
        {
            request.Fail(exception);
        }

        lock (_lock)
        {
            _ready.TrySetException(exception);
        }
    }

    private void ThrowIfTerminal()
    {
        if (_terminalError is { } error)
        {
            throw new MTProtoTerminalException(error);
        }
    }

    private void EnterTerminalState(string error)
    {
        if (_terminalError is not null)
        {
            return;
        }

        _terminalError = error;
        Log.TerminalError(_logger, _dcId, error);
        FailEverything(new MTProtoTerminalException(error));
        _owner.OnTerminalError(_dcId, error);
        _lifetime.Cancel();
    }
}
