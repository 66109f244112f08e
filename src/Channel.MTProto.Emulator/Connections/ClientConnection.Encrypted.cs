using System.Buffers.Binary;
using Channel.MTProto.Emulator.Interim;
using Channel.MTProto.Emulator.Rpc;
using Channel.MTProto.Emulator.Sessions;

namespace Channel.MTProto.Emulator.Connections;

internal sealed partial class ClientConnection
{
    private const int MaxContainerMessages = 1024;
    private const int MaxStateIds = 8192;

    /// <summary>Decrypts and checks one encrypted message, handles it, then sends what it produced.</summary>
    private async Task<bool> HandleEncryptedAsync(long authKeyId, byte[] frame, CancellationToken cancellationToken)
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

        var plaintext = Decrypt(authKey, frame);
        var salt = BinaryPrimitives.ReadInt64LittleEndian(plaintext);
        var sessionId = BinaryPrimitives.ReadInt64LittleEndian(plaintext.AsSpan(8));
        var msgId = BinaryPrimitives.ReadInt64LittleEndian(plaintext.AsSpan(16));
        var seqNo = BinaryPrimitives.ReadInt32LittleEndian(plaintext.AsSpan(24));
        var length = BinaryPrimitives.ReadInt32LittleEndian(plaintext.AsSpan(28));
        var padding = plaintext.Length - 32 - length;
        if (length < 0 || length % 4 != 0 || padding is < 12 or > 1024)
        {
            throw new ProtocolViolationException($"Encrypted message claims {length} body bytes in {plaintext.Length - 32}.");
        }

        var session = authKey.Sessions.GetOrAdd(sessionId, static (id, state) => new ServerSession(state.authKey, id, state.time), (authKey, time: _dc.Emulator.Time));
        BindSession(session);
        var pass = new FramePass(session);
        await HandleTopLevelAsync(pass, salt, msgId, seqNo, plaintext.AsMemory(32, length), cancellationToken);
        if (pass.Unanswered.Count > 0)
        {
            session.Enqueue(ServiceMessages.MsgsAck(pass.Unanswered));
        }

        await _dc.FlushAsync(session);
        return true;
    }

    /// <summary>MTProto 2.0 client→server decryption (x = 0) with the msg_key check; a mismatch closes the connection.</summary>
    private static byte[] Decrypt(AuthKeyState authKey, byte[] frame)
    {
        // Padded intermediate may append up to 15 random bytes after the message: only whole blocks are ciphertext.
        var cipherLength = (frame.Length - 24) / 16 * 16;
        if (cipherLength < 48)
        {
            throw new ProtocolViolationException($"Encrypted frame of {frame.Length} bytes is too short.");
        }

        var msgKey = frame.AsSpan(8, 16);
        Span<byte> aesKey = stackalloc byte[32];
        Span<byte> aesIv = stackalloc byte[32];
        MessageKeys.Derive(authKey.Key, msgKey, 0, aesKey, aesIv);
        var plaintext = new byte[cipherLength];
        AesIge.Decrypt(aesKey, aesIv, frame.AsSpan(24, cipherLength), plaintext);
        Span<byte> expected = stackalloc byte[16];
        MessageKeys.Compute(authKey.Key, plaintext, 0, expected);
        if (!expected.SequenceEqual(msgKey))
        {
            throw new ProtocolViolationException("msg_key does not match the decrypted message.");
        }

        return plaintext;
    }

    /// <summary>Checks that apply to the outer message only (salt, session announcement), then handles it.</summary>
    private async Task HandleTopLevelAsync(FramePass pass, long salt, long msgId, int seqNo, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var session = pass.Session;
        if (CheckMsgId(msgId) is { } idError)
        {
            Reject(pass, msgId, seqNo, idError);
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
            session.Enqueue(ServiceMessages.NewSessionCreated(msgId, session.AuthKey.Salts.Current));
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
            var reader = new TlReader(body.Span[4..]);
            body = Gzip.Unpack(reader.ReadBytes(), _dc.Emulator.Options.MaxFrameLength);
            constructor = body.Length >= 4 ? BinaryPrimitives.ReadUInt32LittleEndian(body.Span) : 0;
        }

        var contentRelated = constructor is not (ServiceIds.MsgContainer or ServiceIds.MsgsAck);
        if (constructor == ServiceIds.MsgContainer && insideContainer)
        {
            Reject(pass, msgId, seqNo, BadMsgCodes.InvalidContainer);
            return;
        }

        if (session.CheckAndRememberDuplicate(msgId))
        {
            return; // A resend of something already handled: ignored, as the spec allows.
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
        catch (TlDecodeException)
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
                new TlReader(body.Span[4..]).ReadInt64Vector(MaxStateIds); // validated; the emulator re-sends nothing
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
                var ids = new TlReader(body.Span[4..]).ReadInt64Vector(MaxStateIds);
                // 4 = received; 1 = nothing known about the message.
                session.Enqueue(ServiceMessages.MsgsStateInfo(msgId, ids.Select(id => session.HasSeen(id) ? (byte)4 : (byte)1).ToArray()));
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

    private async Task HandleContainerAsync(FramePass pass, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var reader = new TlReader(body.Span[4..]);
        var count = reader.ReadInt32();
        if (count < 0 || count > MaxContainerMessages || count > reader.Remaining / 16)
        {
            throw new ProtocolViolationException($"msg_container claims {count} messages.");
        }

        var items = new (long MsgId, int SeqNo, int Offset, int Length)[count];
        for (var i = 0; i < count; i++)
        {
            var msgId = reader.ReadInt64();
            var seqNo = reader.ReadInt32();
            var length = reader.ReadInt32();
            var offset = 4 + reader.Position;
            reader.ReadRaw(length);
            items[i] = (msgId, seqNo, offset, length);
        }

        foreach (var (msgId, seqNo, offset, length) in items)
        {
            if (CheckMsgId(msgId) is { } idError)
            {
                Reject(pass, msgId, seqNo, idError);
                continue;
            }

            await HandleMessageAsync(pass, msgId, seqNo, body.Slice(offset, length), insideContainer: true, cancellationToken);
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
        _ = Task.Run(
            async () =>
            {
                var answer = await AnswerAsync(context, body, CancellationToken.None);
                await Task.Delay(delay, _dc.Emulator.Time, CancellationToken.None);
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

    /// <summary>msg_id must be divisible by 4 (18) and within −300 s / +30 s of the server's clock (16 / 17).</summary>
    private int? CheckMsgId(long msgId)
    {
        if ((msgId & 3) != 0)
        {
            return BadMsgCodes.MsgIdBadLowBits;
        }

        var now = _dc.Emulator.Time.GetUtcNow().ToUnixTimeSeconds();
        var sent = msgId >> 32;
        return sent < now - 300 ? BadMsgCodes.MsgIdTooLow
            : sent > now + 30 ? BadMsgCodes.MsgIdTooHigh
            : null;
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
