using System.Net.Sockets;
using Channel.MTProto.Emulator.Rpc;
using Channel.MTProto.Emulator.Sessions;
using Channel.MTProto.Session;
using Channel.MTProto.Tl;
using Channel.MTProto.Transport;

namespace Channel.MTProto.Emulator.Connections;

/// <summary>
/// One client TCP connection: detects the transport, then reads frames one by one: unencrypted ones go to the key
/// exchange, encrypted ones through the session checks to the service-message handling and RPC dispatch
/// (partial files by concern). Any failure closes this connection only, with a logged reason.
/// </summary>
internal sealed partial class ClientConnection
{
    private readonly DcServer _dc;
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _closing = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly MessageIdGenerator _plainIds;
    private readonly HashSet<ServerSession> _sessions = [];
    private FramedConnection? _transport;
    private ITimer? _disconnectTimer;
    private string? _abortReason;
    private int _closed;

    public ClientConnection(DcServer dc, Socket socket, long id)
    {
        _dc = dc;
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _plainIds = new MessageIdGenerator(dc.Emulator.Time);
        Id = id;
    }

    public long Id { get; }

    /// <summary>The DC this connection reached.</summary>
    public int DcId => _dc.DcId;

    /// <summary>The layer of the last invokeWithLayer on this connection.</summary>
    public int? Layer { get; set; }

    /// <summary>What the last initConnection on this connection said.</summary>
    public InitConnectionInfo? Client { get; set; }

    /// <summary>Completes when the connection has closed.</summary>
    public Task Completion => _completion.Task;

    private EmulatorFaults Faults => _dc.Emulator.Faults;

    public async Task RunAsync(CancellationToken stopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, _closing.Token);
        var cancellationToken = linked.Token;
        var reason = "client closed the connection";
        var violation = false;
        try
        {
            _transport = await FramedConnection.AcceptAsync(_stream, new ServerTransportOptions { MaxFrameLength = _dc.Emulator.Options.MaxFrameLength }, cancellationToken);
            _dc.Logger.TransportDetected(Id, (_transport.IsObfuscated ? "obfuscated " : string.Empty) + _transport.Kind);
            while (true)
            {
                using var frame = await _transport.ReceiveAsync(cancellationToken);
                if (frame.Payload.IsEmpty)
                {
                    continue; // a quick-ack token: only clients receive those
                }

                if (!await HandleFrameAsync(frame.Payload, cancellationToken))
                {
                    reason = _abortReason ?? "closed after a transport error";
                    break;
                }
            }
        }
        catch (TransportException ex) when (ex.Failure == TransportFailure.ConnectionClosed)
        {
            reason = _abortReason ?? "client closed the connection";
        }
        catch (TransportException ex) when (ex.Failure is TransportFailure.ConnectionBroken or TransportFailure.TruncatedFrame && _abortReason is not null)
        {
            reason = _abortReason;
        }
        catch (Exception ex) when (ex is TransportException or ProtocolViolationException or MessageDecodeException or TlDeserializationException)
        {
            (reason, violation) = (ex.Message, true);
        }
        catch (OperationCanceledException)
        {
            reason = _abortReason ?? "emulator stopping";
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            reason = _abortReason ?? "connection lost: " + ex.Message;
        }
        finally
        {
            Close();
            if (violation)
            {
                _dc.Logger.ConnectionRejected(Id, reason);
            }
            else
            {
                _dc.Logger.ConnectionClosed(Id, reason);
            }

            _completion.TrySetResult();
        }
    }

    /// <summary>Returns false when the connection must close (after a transport error was sent).</summary>
    private async Task<bool> HandleFrameAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        if (Faults.TryTakeTransportError(out var injected))
        {
            _dc.Logger.InjectedTransportError(Id, injected);
            await SendTransportErrorAsync(injected, cancellationToken);
            _abortReason = $"fault injection: transport error {injected}";
            return false;
        }

        if (frame.Length < 8)
        {
            throw new ProtocolViolationException($"Frame of {frame.Length} bytes has no auth_key_id.");
        }

        var authKeyId = PlainMessage.PeekAuthKeyId(frame.Span)!.Value;
        return authKeyId == 0
            ? await HandlePlainAsync(frame, cancellationToken)
            : await HandleEncryptedAsync(authKeyId, frame, cancellationToken);
    }

    /// <summary>
    /// Sends what the session has queued. The write lock (beyond the transport's own) keeps msg_ids leaving in the
    /// order they were assigned when delayed responses and the reader flush at the same time.
    /// </summary>
    public async Task SendQueuedAsync(ServerSession session)
    {
        if (Volatile.Read(ref _closed) != 0 || _transport is null)
        {
            return;
        }

        try
        {
            await _writeLock.WaitAsync(_closing.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            // Checked again under the lock: a message drained here and then not written would be lost.
            if (Volatile.Read(ref _closed) != 0)
            {
                return;
            }

            foreach (var packet in session.DrainEncrypted(Faults.TryTakeLostPush))
            {
                await _transport.SendAsync(packet, _closing.Token);
            }
        }
        catch (Exception ex) when (ex is TransportException or IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            Abort("write failed: " + ex.Message);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private Task SendPayloadAsync(byte[] payload, CancellationToken cancellationToken)
        => _transport!.SendAsync(payload, cancellationToken).AsTask();

    private Task SendTransportErrorAsync(int code, CancellationToken cancellationToken)
        => _transport!.SendTransportErrorAsync(code, cancellationToken).AsTask();

    /// <summary>Closes the connection from outside (fault injection, shutdown, ping_delay_disconnect).</summary>
    public void Abort(string reason)
    {
        Interlocked.CompareExchange(ref _abortReason, reason, null);
        try
        {
            _closing.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        // Closing the socket also ends a read the cancellation token cannot interrupt.
        _socket.Close();
    }

    /// <summary>Arms (or re-arms) ping_delay_disconnect: close unless another such ping arrives in time.</summary>
    private void ArmDisconnect(int seconds)
    {
        var timer = _dc.Emulator.Time.CreateTimer(
            static state => ((ClientConnection)state!).Abort("ping_delay_disconnect expired"),
            this, TimeSpan.FromSeconds(Math.Max(1, seconds)), Timeout.InfiniteTimeSpan);
        Interlocked.Exchange(ref _disconnectTimer, timer)?.Dispose();
    }

    private void BindSession(ServerSession session)
    {
        // Back on a new connection: what the old one carried unacknowledged may never have arrived (flushed after
        // this frame is handled).
        if (session.Connection != this)
        {
            session.RequeueUnacked();
        }

        session.Connection = this;
        session.LastUsed = System.Diagnostics.Stopwatch.GetTimestamp();
        lock (_sessions)
        {
            _sessions.Add(session);
        }
    }

    private void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        Interlocked.Exchange(ref _disconnectTimer, null)?.Dispose();
        lock (_sessions)
        {
            foreach (var session in _sessions)
            {
                // Later pushes for the session wait for the client's next connection.
                if (session.Connection == this)
                {
                    session.Connection = null;
                }
            }
        }

        _closing.Cancel();
        if (_transport is not null)
        {
            // The transport owns the stream; disposing it closes the socket.
            _ = _transport.DisposeAsync().AsTask();
        }
        else
        {
            _stream.Dispose();
        }
    }
}
