using System.Buffers;
using Channel.MTProto.Session;
using Channel.MTProto.Tl;
using Channel.MTProto.Tl.Api;
using Channel.MTProto.Tl.Mt;
using Channel.MTProto.Transport;
using EncryptedMessage = Channel.MTProto.Session.EncryptedMessage;

namespace Channel.MTProto.Client;

internal sealed partial class MTProtoConnection
{
    /// <summary>A container may hold this many messages (spec limit 1024); one slot stays free for the acks.</summary>
    private const int MaxContainerMessages = TlServiceMessages.MaxContainerMessages;

    /// <summary>Stop adding to a container once it is this big; one oversized request still goes alone.</summary>
    private const int MaxContainerBytes = 1024 * 1024;

    /// <summary>msgs_ack carries at most 8192 ids.</summary>
    private const int MaxAcksPerMessage = 8192;

    /// <summary>invokeWithLayer(layer, initConnection(...)) up to where the query starts; the query's bytes follow.</summary>
    private readonly byte[] _initConnectionPrefix;

    /// <summary>Queues an API call and awaits its result.</summary>
    public Task<TResult> InvokeAsync<TResult>(ITlMethod<TResult> method, TimeSpan? timeout, CancellationToken cancellationToken) =>
        SendRequestAsync(method, isApiCall: true, timeout ?? _options.RequestTimeout, cancellationToken);

    /// <summary>An MTProto ping (answered by pong outside rpc_result): a round trip without initConnection.</summary>
    public Task<PongBase> PingAsync(TimeSpan? timeout, CancellationToken cancellationToken) =>
        InvokeServiceAsync(new Ping { PingId = RandomInt64() }, timeout ?? _options.RequestTimeout, cancellationToken);

    /// <summary>Queues an MTProto service request (ping, get_future_salts): no initConnection, not re-sent after a reconnect.</summary>
    private Task<TResult> InvokeServiceAsync<TResult>(ITlMethod<TResult> method, TimeSpan timeout, CancellationToken cancellationToken) =>
        SendRequestAsync(method, isApiCall: false, timeout, cancellationToken);

    private async Task<TResult> SendRequestAsync<TResult>(ITlMethod<TResult> method, bool isApiCall, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(method);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfTerminal();
        ObjectDisposedException.ThrowIf(_disposed, this);

        var body = TlSerializer.ToArray(method);
        if (body.Length > _options.MaxRequestLength)
        {
            throw new ArgumentException($"The request is {body.Length} bytes; the server accepts at most {_options.MaxRequestLength}.", nameof(method));
        }

        var request = new PendingRequest<TResult>(method, body, isApiCall);
        using var timeoutSource = new CancellationTokenSource(timeout, _timeProvider);
        using var onTimeout = timeoutSource.Token.UnsafeRegister(
            static (state, _) =>
            {
                var (connection, request, timeout) = ((MTProtoConnection, PendingRequest, TimeSpan))state!;
                connection.Forget(request);
                request.Fail(new TimeoutException($"No answer within {timeout.TotalSeconds:0.###} s."));
            },
            (this, (PendingRequest)request, timeout));
        using var onCancel = cancellationToken.UnsafeRegister(
            static (state, token) =>
            {
                var (connection, request) = ((MTProtoConnection, PendingRequest))state!;
                connection.Forget(request);
                request.Cancel(token);
            },
            (this, (PendingRequest)request));

        _outbox.Enqueue(request);
        if (_terminalError is { } error)
        {
            // Lost the race with EnterTerminalState, which already drained the queue.
            FailEverything(new MTProtoTerminalException(error));
        }

        SignalSend();
        return await request.Task.ConfigureAwait(false);
    }

    /// <summary>Drops a request from the pending table (cancelled or timed out); queued copies are skipped when dequeued.</summary>
    private void Forget(PendingRequest request) =>
        _pending.TryRemove(new KeyValuePair<long, PendingRequest>(request.MessageId, request));

    private void SignalSend() => _sendSignal.Writer.TryWrite(true);

    private void QueueAck(long messageId)
    {
        _acks.Enqueue(messageId);
        var count = Interlocked.Increment(ref _ackCount);

        // The first ack starts the ack delay in an idle send loop; a full batch goes at once.
        if (count == 1 || count >= _options.MaxPendingAcks)
        {
            SignalSend();
        }
    }

    /// <summary>
    /// The send loop of one transport connection: waits for work, then packs every queued request (re-sends first)
    /// and the pending acks into one message or one msg_container and sends it.
    /// </summary>
    private async Task SendLoopAsync(FramedConnection framed, CancellationToken cancellationToken)
    {
        var batch = new List<TlMessage>();
        while (true)
        {
            while (_resend.IsEmpty && _outbox.IsEmpty && Volatile.Read(ref _ackCount) < _options.MaxPendingAcks)
            {
                if (Volatile.Read(ref _ackCount) == 0)
                {
                    await _sendSignal.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                }
                else if (await WaitForAckDelayAsync(cancellationToken).ConfigureAwait(false))
                {
                    break;
                }
            }

            batch.Clear();
            var containerBytes = 0;
            while (batch.Count < MaxContainerMessages - 1 && containerBytes < MaxContainerBytes && TryDequeueRequest(out var request))
            {
                if (request.IsCompleted)
                {
                    continue;
                }

                if (++request.SendAttempts > PendingRequest.MaxSendAttempts)
                {
                    request.Fail(new MTProtoProtocolException($"The server rejected the request {PendingRequest.MaxSendAttempts} times."));
                    continue;
                }

                var body = (ReadOnlyMemory<byte>)request.Body;
                request.CarriedInitConnection = request.IsApiCall && _needsInitConnection;
                if (request.CarriedInitConnection)
                {
                    // The first API call of a connection carries the layer and client description; it goes first.
                    body = WrapInInitConnection(request.Body);
                    _needsInitConnection = false;
                }

                var messageId = _messageIds.NextClientId();
                request.MessageId = messageId;
                _pending[messageId] = request;
                batch.Add(new TlMessage(messageId, _seqNo.Next(contentRelated: true), body));
                containerBytes += body.Length + TlServiceMessages.MessageHeaderSize;
            }

            if (TakeAcks() is { } acks)
            {
                batch.Add(new TlMessage(_messageIds.NextClientId(), _seqNo.Next(contentRelated: false), TlSerializer.ToArray(new MsgsAck { MsgIds = acks })));
            }

            if (batch.Count == 0)
            {
                continue;
            }

            if (batch.Count == 1)
            {
                await SendEncryptedAsync(framed, batch[0], cancellationToken).ConfigureAwait(false);
                continue;
            }

            var containerBody = SerializeContainer(batch);
            var containerId = _messageIds.NextClientId();
            RememberContainer(containerId, batch);
            await SendEncryptedAsync(framed, new TlMessage(containerId, _seqNo.Next(contentRelated: false), containerBody), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Acks are waiting for a request to ride along with: wait for a signal or the ack delay, whichever comes first.
    /// Returns true when the delay elapsed (send the acks alone).
    /// </summary>
    private async ValueTask<bool> WaitForAckDelayAsync(CancellationToken cancellationToken)
    {
        using var delay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        delay.CancelAfter(_options.AckDelay);
        try
        {
            await _sendSignal.Reader.ReadAsync(delay.Token).ConfigureAwait(false);
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return true;
        }
    }

    private bool TryDequeueRequest(out PendingRequest request) =>
        _resend.TryDequeue(out request!) || _outbox.TryDequeue(out request!);

    private long[]? TakeAcks()
    {
        if (Volatile.Read(ref _ackCount) == 0)
        {
            return null;
        }

        var acks = new List<long>();
        while (acks.Count < MaxAcksPerMessage && _acks.TryDequeue(out var id))
        {
            acks.Add(id);
        }

        Interlocked.Add(ref _ackCount, -acks.Count);
        return acks.Count == 0 ? null : [.. acks];
    }

    private async ValueTask SendEncryptedAsync(FramedConnection framed, TlMessage message, CancellationToken cancellationToken)
    {
        var authKey = _authKey ?? throw new InvalidOperationException("No auth key yet.");
        var header = new EncryptedMessageHeader(Volatile.Read(ref _salt), Volatile.Read(ref _sessionId), message.MessageId, message.Seqno, message.Body.Length);
        var length = EncryptedMessage.GetLength(message.Body.Length);
        var packet = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            EncryptedMessage.Encrypt(authKey, MessageDirection.ClientToServer, header, message.Body.Span, _random, packet);
            await framed.SendAsync(packet.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(packet);
        }
    }

    private static byte[] SerializeContainer(List<TlMessage> messages)
    {
        var output = new ArrayBufferWriter<byte>(messages.Sum(m => m.Body.Length + TlServiceMessages.MessageHeaderSize) + 8);
        var writer = new TlWriter(output);
        TlServiceMessages.WriteContainer(ref writer, messages);
        writer.Flush();
        return output.WrittenSpan.ToArray();
    }

    private void RememberContainer(long containerId, List<TlMessage> messages)
    {
        _containers[containerId] = [.. messages.Select(m => m.MessageId)];

        // Notifications about a container come within seconds; forget ones older than the msg_id window.
        if (_containers.Count > 4096)
        {
            var oldest = MessageIdGenerator.ToUnixSeconds(containerId) - (long)ReceivedMessageWindow.MaxAge.TotalSeconds;
            foreach (var id in _containers.Keys.Where(id => MessageIdGenerator.ToUnixSeconds(id) < oldest))
            {
                _containers.TryRemove(id, out _);
            }
        }
    }

    private byte[] WrapInInitConnection(byte[] query)
    {
        var wrapped = new byte[_initConnectionPrefix.Length + query.Length];
        _initConnectionPrefix.CopyTo(wrapped, 0);
        query.CopyTo(wrapped, _initConnectionPrefix.Length);
        return wrapped;
    }

    private static byte[] BuildInitConnectionPrefix(MTProtoClientOptions options) => TlSerializer.ToArray(new InvokeWithLayer<bool>
    {
        Layer = MTProtoClientOptions.Layer,
        Query = new InitConnection<bool>
        {
            ApiId = options.ApiId,
            DeviceModel = options.DeviceModel,
            SystemVersion = options.SystemVersion,
            AppVersion = options.AppVersion,
            SystemLangCode = options.SystemLangCode,
            LangPack = options.LangPack,
            LangCode = options.LangCode,
            Query = EmptyQuery.Instance,
        },
    });

    /// <summary>A query that writes nothing: serializing the wrappers around it yields exactly their prefix.</summary>
    private sealed class EmptyQuery : ITlMethod<bool>
    {
        public static readonly EmptyQuery Instance = new();

        public uint ConstructorId => 0;

        public void Write(ref TlWriter writer)
        {
        }

        public bool ReadResult(ref TlReader reader) => throw new NotSupportedException();

        public void WriteResult(ref TlWriter writer, bool result) => throw new NotSupportedException();

        public TOut Accept<TOut>(ITlMethodVisitor<TOut> visitor) => visitor.Visit(this);
    }
}
