using System.Buffers.Binary;
using Channel.MTProto.Emulator.Rpc;
using Channel.MTProto.Emulator.Sessions;
using Channel.MTProto.Session;
using Channel.MTProto.Tl;

namespace Channel.MTProto.Emulator.Connections;

internal sealed partial class ClientConnection
{
    private const int MaxStateIds = 8192;

    /// <summary>Decrypts and checks one encrypted message, handles it, then sends what it produced.</summary>
    private async Task<bool> HandleEncryptedAsync(long authKeyId, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        if (!_dc.AuthKeys.TryGet(authKeyId, out var authKey)
            || (authKey.ExpiresAt is { } expiry && expiry <= _dc.Emulator.Time.GetUtcNow()))
        {
            // Telegram answers an unknown (or expired temporary) key with −404 and the client must create a new one.
            _dc.Logger.UnknownAuthKey(Id, authKeyId);
            await SendTransportErrorAsync(-404, cancellationToken);
            _abortReason = "unknown auth key";
            return false;
        }

        // Padded intermediate may append up to 15 random bytes after the message: only whole blocks are ciphertext.
        var packet = frame[..(EncryptedMessage.EnvelopeLength + ((frame.Length - EncryptedMessage.EnvelopeLength) / 16 * 16))];
        var plaintext = new byte[packet.Length - EncryptedMessage.EnvelopeLength];
        var header = EncryptedMessage.Decrypt(authKey.Key, MessageDirection.ClientToServer, packet.Span, plaintext);
        var session = authKey.GetOrAddSession(header.SessionId, _dc.Emulator.Time);
        BindSession(session);
        var pass = new FramePass(session);
        var body = plaintext.AsMemory(EncryptedMessageHeader.BodyOffset, header.BodyLength);
        await HandleTopLevelAsync(pass, header.Salt, header.MessageId, header.SeqNo, body, cancellationToken);
        if (pass.Unanswered.Count > 0)
        {
            session.Enqueue(ServiceMessages.MsgsAck(pass.Unanswered));
        }

        await _dc.FlushAsync(session);
        return true;
    }

    /// <summary>Checks that apply to the outer message only (salt, session announcement), then handles it.</summary>
    private async Task HandleTopLevelAsync(FramePass pass, long salt, long msgId, int seqNo, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var session = pass.Session;
        if (CheckMsgId(session, msgId) is not { } check)
        {
            return; // a duplicate: ignored, as the spec allows
        }

        if (check != 0)
        {
            Reject(pass, msgId, seqNo, check);
            return;
        }

        if (!session.AuthKey.Salts.Accepts(salt))
        {
            Reject(pass, msgId, seqNo, BadMsgCodes.BadServerSalt);
            return;
        }

        if (!session.Announced)
        {
            session.Announced = true;
            session.Enqueue(ServiceMessages.NewSessionCreated(FirstMessageId(msgId, body), session.AuthKey.Salts.Current));
        }

        await HandleMessageAsync(pass, msgId, seqNo, body, insideContainer: false, cancellationToken);
    }

    private async Task HandleMessageAsync(FramePass pass, long msgId, int seqNo, ReadOnlyMemory<byte> body, bool insideContainer, CancellationToken cancellationToken)
    {
        var session = pass.Session;
        if (body.Length < 4)
        {
            // Not even a constructor id: answer it as an unparseable request rather than dropping it.
            session.Enqueue(ServiceMessages.RpcResult(msgId, RpcAnswer.RequestInvalid, int.MaxValue));
            return;
        }

        var constructor = BinaryPrimitives.ReadUInt32LittleEndian(body.Span);
        if (constructor == ServiceIds.GzipPacked)
        {
            try
            {
                var reader = new TlReader(body.Span[4..], _dc.ReaderOptions);
                body = reader.ReadGzipped(static (ref TlReader inner) => inner.ReadRaw(inner.Remaining).ToArray());
            }
            catch (TlDeserializationException)
            {
                // Bad gzip (or a bomb beyond the limit): the request is unparseable, the connection stays up.
                session.Enqueue(ServiceMessages.RpcResult(msgId, RpcAnswer.RequestInvalid, int.MaxValue));
                return;
            }

            constructor = body.Length >= 4 ? BinaryPrimitives.ReadUInt32LittleEndian(body.Span) : 0;
        }

        var contentRelated = constructor is not (ServiceIds.MsgContainer or ServiceIds.MsgsAck);
        if (constructor == ServiceIds.MsgContainer && insideContainer)
        {
            Reject(pass, msgId, seqNo, BadMsgCodes.InvalidContainer);
            return;
        }

        if (session.CheckSeqNo(msgId, seqNo, contentRelated) is { } seqError)
        {
            Reject(pass, msgId, seqNo, seqError);
            return;
        }

        if (contentRelated && Faults.TryTakeBadMsgCode(out var injected))
        {
            Reject(pass, msgId, seqNo, injected);
            return;
        }

        try
        {
            await HandleContentAsync(pass, constructor, msgId, body, cancellationToken);
        }
        catch (TlDeserializationException)
        {
            // A message that cannot be parsed gets an answer for its msg_id; the connection stays up.
            session.Enqueue(ServiceMessages.RpcResult(msgId, RpcAnswer.RequestInvalid, int.MaxValue));
        }
    }

    private async Task HandleContentAsync(FramePass pass, uint constructor, long msgId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var session = pass.Session;
        switch (constructor)
        {
            case ServiceIds.MsgContainer:
                await HandleContainerAsync(pass, body, cancellationToken);
                break;
            case ServiceIds.MsgsAck:
                session.Acknowledge(ReadIds(body)); // the acknowledged pushes need no resending
                break;
            case ServiceIds.Ping:
                session.Enqueue(ServiceMessages.Pong(msgId, BinaryPrimitives.ReadInt64LittleEndian(ReadArguments(body, 8))));
                break;
            case ServiceIds.PingDelayDisconnect:
                var ping = ReadArguments(body, 12);
                session.Enqueue(ServiceMessages.Pong(msgId, BinaryPrimitives.ReadInt64LittleEndian(ping)));
                ArmDisconnect(BinaryPrimitives.ReadInt32LittleEndian(ping[8..]));
                break;
            case ServiceIds.GetFutureSalts:
                var count = Math.Clamp(BinaryPrimitives.ReadInt32LittleEndian(ReadArguments(body, 4)), 1, 64);
                var now = (int)_dc.Emulator.Time.GetUtcNow().ToUnixTimeSeconds();
                session.Enqueue(ServiceMessages.FutureSalts(msgId, now, session.AuthKey.Salts.Upcoming(count)));
                break;
            case ServiceIds.DestroySession:
                var target = BinaryPrimitives.ReadInt64LittleEndian(ReadArguments(body, 8));
                var destroyed = target != session.SessionId && session.AuthKey.Sessions.TryRemove(target, out _);
                session.Enqueue(ServiceMessages.DestroySessionResult(target, destroyed));
                break;
            case ServiceIds.MsgsStateReq:
                // The emulator answers "1: nothing known" for every id; clients only use this to probe.
                session.Enqueue(ServiceMessages.MsgsStateInfo(msgId, new string('\u0001', ReadIds(body).Length)));
                break;
            case ServiceIds.RpcDropAnswer:
                session.Enqueue(ServiceMessages.RpcAnswerUnknown(msgId));
                break;
            case ServiceIds.MsgResendReq or ServiceIds.HttpWait or ServiceIds.DestroyAuthKey:
                // Parsed as valid and acknowledged; the emulator keeps no sent-message store to resend from.
                pass.Unanswered.Add(msgId);
                break;
            default:
                await HandleRpcAsync(pass, msgId, body, cancellationToken);
                break;
        }
    }

    /// <summary>
    /// first_msg_id of new_session_created: the lowest msg_id of the session's first frame. A container's own id is
    /// higher than the ids inside it, and the client re-sends everything below first_msg_id: with the container's id
    /// it would re-send requests the server has already run.
    /// </summary>
    private static long FirstMessageId(long msgId, ReadOnlyMemory<byte> body)
    {
        if (body.Length < 8 || BitConverter.ToUInt32(body.Span) != ServiceIds.MsgContainer)
        {
            return msgId;
        }

        try
        {
            var reader = new TlReader(body.Span[4..]);
            var count = TlServiceMessages.ReadContainerCount(ref reader);
            var first = msgId;
            for (var i = 0; i < count; i++)
            {
                var header = TlServiceMessages.ReadMessageHeader(ref reader);
                first = Math.Min(first, header.MessageId);
                reader.ReadRaw(header.Length);
            }

            return first;
        }
        catch (TlDeserializationException)
        {
            return msgId; // a malformed container is rejected when it is handled
        }
    }

    private async Task HandleContainerAsync(FramePass pass, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var reader = new TlReader(body.Span[4..]);
        var count = TlServiceMessages.ReadContainerCount(ref reader);
        var items = new (TlMessageHeader Header, int Offset)[count];
        for (var i = 0; i < count; i++)
        {
            var header = TlServiceMessages.ReadMessageHeader(ref reader);
            items[i] = (header, 4 + reader.Position);
            reader.ReadRaw(header.Length);
        }

        foreach (var (header, offset) in items)
        {
            if (CheckMsgId(pass.Session, header.MessageId) is not { } check)
            {
                continue;
            }

            if (check != 0)
            {
                Reject(pass, header.MessageId, header.Seqno, check);
                continue;
            }

            await HandleMessageAsync(pass, header.MessageId, header.Seqno, body.Slice(offset, header.Length), insideContainer: true, cancellationToken);
        }
    }

    private async Task HandleRpcAsync(FramePass pass, long msgId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var session = pass.Session;
        if (Faults.TryTakeWithheldResponse())
        {
            pass.Unanswered.Add(msgId);
            return;
        }

        var context = new RpcContext(_dc, session, this, msgId);
        var delay = Faults.ResponseDelay;
        if (delay <= TimeSpan.Zero)
        {
            session.Enqueue(await AnswerAsync(context, body, cancellationToken));
            return;
        }

        pass.Unanswered.Add(msgId);
        // The timer starts now, before the acknowledgement goes out, so a test that sees the ack and then advances
        // a fake clock is sure to release the answer.
        var delayed = Task.Delay(delay, _dc.Emulator.Time, CancellationToken.None);
        _ = Task.Run(
            async () =>
            {
                var answer = await AnswerAsync(context, body, CancellationToken.None);
                await delayed;
                session.Enqueue(answer);
                await _dc.FlushAsync(session);
            },
            CancellationToken.None);
    }

    private async Task<OutgoingMessage> AnswerAsync(RpcContext context, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        RpcAnswer answer;
        try
        {
            answer = await _dc.Dispatcher.DispatchAsync(context, body, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _dc.Logger.HandlerFailed(Id, BinaryPrimitives.ReadUInt32LittleEndian(body.Span), ex);
            answer = RpcAnswer.Error(500, "INTERNAL");
        }

        return ServiceMessages.RpcResult(context.RequestMsgId, answer, _dc.Emulator.Options.GzipThreshold);
    }

    /// <summary>
    /// msg_id must be divisible by 4 (18) and within −300 s / +30 s of the server's clock (16 / 17). Returns the
    /// error code, 0 when the id is fine (and now remembered), or null for a duplicate.
    /// </summary>
    private static int? CheckMsgId(ServerSession session, long msgId)
    {
        if (!MessageIdGenerator.HasKind(msgId, MessageIdKind.Client))
        {
            return BadMsgCodes.MsgIdBadLowBits;
        }

        return session.CheckReceived(msgId) switch
        {
            ReceivedMessageCheck.TooOld => BadMsgCodes.MsgIdTooLow,
            ReceivedMessageCheck.TooNew => BadMsgCodes.MsgIdTooHigh,
            ReceivedMessageCheck.Duplicate => null,
            _ => 0,
        };
    }

    private static long[] ReadIds(ReadOnlyMemory<byte> body)
    {
        var reader = new TlReader(body.Span[4..]);
        var ids = reader.ReadVector(static (ref TlReader r) => r.ReadInt64(), sizeof(long));
        return ids.Length <= MaxStateIds ? ids : throw new TlDeserializationException($"{ids.Length} message ids", 4);
    }

    private void Reject(FramePass pass, long msgId, int seqNo, int code)
    {
        _dc.Logger.MessageRejected(Id, msgId, code);
        pass.Session.Enqueue(code == BadMsgCodes.BadServerSalt
            ? ServiceMessages.BadServerSalt(msgId, seqNo, pass.Session.AuthKey.Salts.Current)
            : ServiceMessages.BadMsgNotification(msgId, seqNo, code));
    }

    /// <summary>The fixed-size arguments after a constructor id, checked to be present.</summary>
    private static ReadOnlySpan<byte> ReadArguments(ReadOnlyMemory<byte> body, int size)
    {
        var reader = new TlReader(body.Span[4..]);
        return reader.ReadRaw(size);
    }

    /// <summary>What handling one frame produced: content messages that got no immediate answer need a msgs_ack.</summary>
    private sealed class FramePass(ServerSession session)
    {
        public ServerSession Session { get; } = session;

        public List<long> Unanswered { get; } = [];
    }
}
