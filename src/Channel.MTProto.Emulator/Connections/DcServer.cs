using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Channel.MTProto.Emulator.Handshake;
using Channel.MTProto.Emulator.Rpc;
using Channel.MTProto.Emulator.Sessions;
using Channel.MTProto.Tl;
using Microsoft.Extensions.Logging;

namespace Channel.MTProto.Emulator.Connections;

/// <summary>One emulated data centre: its TCP listener, auth keys, key-exchange state and live connections.</summary>
internal sealed class DcServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly ConcurrentDictionary<long, ClientConnection> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private long _nextConnectionId;
    private Task _acceptLoop = Task.CompletedTask;

    public DcServer(TelegramEmulator emulator, int dcId, IPEndPoint bindTo, Crypto.RsaPrivateKey rsaKey, RpcDispatcher dispatcher, ILogger logger)
    {
        Emulator = emulator;
        DcId = dcId;
        Dispatcher = dispatcher;
        Logger = logger;
        _listener = new TcpListener(bindTo);
        Handshake = new ServerHandshake(rsaKey, AuthKeys, emulator.Time, emulator.Options.HandshakeRandom, emulator.Options,
            emulator.Faults.TryTakeKeyExchangeRetry);
        ReaderOptions = new TlReaderOptions { MaxGzipUnpackedSize = emulator.Options.MaxFrameLength };
    }

    public TelegramEmulator Emulator { get; }

    public int DcId { get; }

    public IPEndPoint Endpoint => (IPEndPoint)_listener.LocalEndpoint;

    public AuthKeyRegistry AuthKeys { get; } = new();

    public ServerHandshake Handshake { get; }

    public RpcDispatcher Dispatcher { get; }

    /// <summary>Limits for reading client TL (gzip_packed may not unpack beyond the frame limit).</summary>
    public TlReaderOptions ReaderOptions { get; }

    public ILogger Logger { get; }

    public int ConnectionCount => _connections.Count;

    public void Start()
    {
        _listener.Start();
        Logger.Listening(DcId, Endpoint.ToString());
        _acceptLoop = AcceptLoopAsync(_stopping.Token);
    }

    private async Task AcceptLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                Logger.AcceptFailed(DcId, ex);
                continue;
            }

            socket.NoDelay = true;
            var id = Interlocked.Increment(ref _nextConnectionId);
            var connection = new ClientConnection(this, socket, id);
            _connections[id] = connection;
            Logger.ConnectionAccepted(id, socket.RemoteEndPoint?.ToString() ?? "?", DcId);
            _ = RunConnectionAsync(connection, cancellationToken);
        }
    }

    private async Task RunConnectionAsync(ClientConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            await connection.RunAsync(cancellationToken);
        }
        finally
        {
            _connections.TryRemove(connection.Id, out _);
        }
    }

    /// <summary>Sends what the session has queued over the connection that last carried it (if it is still open).</summary>
    public Task FlushAsync(ServerSession session) => session.Connection?.SendQueuedAsync(session) ?? Task.CompletedTask;

    public void DropConnections()
    {
        foreach (var connection in _connections.Values)
        {
            connection.Abort("dropped by fault injection");
        }
    }

    public void RotateSalts()
    {
        foreach (var key in AuthKeys.All)
        {
            key.Salts.Rotate();
        }
    }

    public void AnnounceNewSessions()
    {
        foreach (var key in AuthKeys.All)
        {
            foreach (var session in key.Sessions.Values)
            {
                if (session.Connection is not null)
                {
                    session.Enqueue(ServiceMessages.NewSessionCreated(session.HighestMsgId, key.Salts.Current));
                    _ = FlushAsync(session);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _acceptLoop;
        foreach (var connection in _connections.Values)
        {
            connection.Abort("emulator stopping");
        }

        foreach (var connection in _connections.Values)
        {
            await connection.Completion;
        }

        _stopping.Dispose();
    }
}
