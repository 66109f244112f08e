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
    /// <summary>
    /// The receive loop of one transport connection. Any frame that fails the transport or the encryption checks
    /// ends the loop with that typed exception (the run loop logs it and reconnects); a message that decrypts but
    /// cannot be parsed is logged and skipped.
    /// </summary>
    private async Task ReceiveLoopAsync(FramedConnection framed, CancellationToken cancellationToken)
    {
        while (true)
        {
            using var frame = await framed.ReceiveAsync(cancellationToken).ConfigureAwait(false);
            if (frame.QuickAckToken is not null)
            {
                continue;
            }

            var packet = frame.Payload.Span;
            if (framed.Kind == TransportKind.PaddedIntermediate && packet.Length > EncryptedMessage.EnvelopeLength)
            {
                // The padded transport appends 0–15 random bytes the frame length counts; the ciphertext is whole blocks.
                packet = packet[..(EncryptedMessage.EnvelopeLength + ((packet.Length - EncryptedMessage.EnvelopeLength) & ~15))];
            }

            ProcessPacket(packet);
        }
    }

    private void ProcessPacket(ReadOnlySpan<byte> packet)
    {
        var authKey = _authKey ?? throw new InvalidOperationException("No auth key yet.");
        var plaintext = ArrayPool<byte>.Shared.Rent(Math.Max(packet.Length, 1));
        try
        {
            var header = EncryptedMessage.Decrypt(authKey, MessageDirection.ServerToClient, packet, plaintext);
            if (header.SessionId != Volatile.Read(ref _sessionId))
            {
                // Left over from a session we replaced after bad_msg_notification 32/33: not ours any more.
                Log.IgnoredMessage(_logger, _dcId, header.MessageId, "other session");
                return;
            }

            if (!Accept(header.MessageId))
            {
                return;
            }

            HandleMessage(header.MessageId, header.SeqNo, plaintext.AsSpan(EncryptedMessageHeader.BodyOffset, header.BodyLength), inContainer: false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(plaintext, clearArray: true);
        }
    }

    /// <summary>The replay window: duplicates and ids outside −300 s / +30 s are ignored, as the spec asks.</summary>
    private bool Accept(long messageId)
    {
        var check = _received.Check(messageId, _messageIds.ServerNow);
        if (check == ReceivedMessageCheck.Accepted)
        {
            return true;
        }

        Log.IgnoredMessage(_logger, _dcId, messageId, check.ToString());
        return false;
    }

    private void HandleMessage(long messageId, int seqNo, ReadOnlySpan<byte> body, bool inContainer)
    {
        if ((seqNo & 1) == 1)
        {
            QueueAck(messageId);
        }

        try
        {
            var reader = new TlReader(body);
            switch (reader.PeekUInt32())
            {
                case TlServiceMessages.MsgContainerId when !inContainer:
                    reader.ReadUInt32();
                    HandleContainer(ref reader);
                    break;
                case TlServiceMessages.RpcResultId:
                    reader.ReadUInt32();
                    HandleRpcResult(ref reader);
                    break;
                default:
                    HandleServiceOrUpdate(messageId, reader.ReadObject());
                    break;
            }
        }
        catch (TlDeserializationException ex)
        {
            // Authenticated by msg_key, so not an attack: most likely a constructor of a newer layer. Skip it.
            Log.UnparsableMessage(_logger, _dcId, messageId, ex);
        }
    }

    private void HandleContainer(ref TlReader reader)
    {
        var count = TlServiceMessages.ReadContainerCount(ref reader);
        for (var i = 0; i < count; i++)
        {
            var header = TlServiceMessages.ReadMessageHeader(ref reader);
            var body = reader.ReadRaw(header.Length);
            if (Accept(header.MessageId))
            {
                HandleMessage(header.MessageId, header.Seqno, body, inContainer: true);
            }
        }
    }

    private void HandleRpcResult(ref TlReader reader)
    {
        var requestId = TlServiceMessages.ReadRpcResultHeader(ref reader);
        if (!_pending.TryRemove(requestId, out var request))
        {
            Log.IgnoredMessage(_logger, _dcId, requestId, "result for no pending request");
            return;
        }

        CompleteRpcResult(request, ref reader);
    }

    private void CompleteRpcResult(PendingRequest request, ref TlReader reader)
    {
        switch (reader.PeekUInt32())
        {
            case RpcError.TlConstructorId:
                var error = reader.ReadObject<RpcError>();
                FailWithRpcError(request, new TelegramRpcException(error.ErrorCode, error.ErrorMessage));
                break;
            case TlServiceMessages.GzipPackedId:
                reader.ReadUInt32();
                reader.ReadGzipped((ref TlReader inner) =>
                {
                    CompleteRpcResult(request, ref inner);
                    return true;
                });
                break;
            default:
                request.Complete(ref reader);
                break;
        }
    }

    private void FailWithRpcError(PendingRequest request, TelegramRpcException error)
    {
        request.Fail(error);
        if (error.IsTerminal(_state.IsAuthorized))
        {
            EnterTerminalState(error.ErrorName);
        }
    }

    private void HandleServiceOrUpdate(long messageId, ITlObject message)
    {
        switch (message)
        {
            case Pong pong:
                CompleteBare(pong.MsgId, pong);
                break;
            case FutureSalts salts:
                CompleteBare(salts.ReqMsgId, salts);
                break;
            case BadServerSalt badSalt:
                HandleBadServerSalt(badSalt);
                break;
            case BadMsgNotification notification:
                HandleBadMessageNotification(notification, messageId);
                break;
            case NewSessionCreated newSession:
                HandleNewSessionCreated(newSession);
                break;
            case MsgsAck:
                break;
            case UpdatesBase update:
                _owner.OnUpdate(_dcId, update);
                break;
            default:
                // msg_detailed_info, msgs_state_req, msg_resend_req, destroy_session_*: parsed, nothing to do.
                Log.UnhandledMessage(_logger, _dcId, message.GetType().Name);
                break;
        }
    }

    /// <summary>pong and future_salts answer their request directly rather than inside rpc_result.</summary>
    private void CompleteBare(long requestId, ITlObject answer)
    {
        if (_pending.TryRemove(requestId, out var request))
        {
            request.TryComplete(answer);
        }
    }
}
