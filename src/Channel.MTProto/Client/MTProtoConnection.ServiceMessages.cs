using Channel.MTProto.Tl.Mt;

namespace Channel.MTProto.Client;

internal sealed partial class MTProtoConnection
{
    private void HandleBadServerSalt(BadServerSalt notification)
    {
        Log.BadServerSalt(_logger, _dcId, notification.BadMsgId);
        AdoptSalt(notification.NewServerSalt);
        Resend(notification.BadMsgId);
    }

    /// <summary>
    /// 16/17: our clock is off — take the server's time from the notification's own msg_id and re-send with new ids.
    /// 32/33: our seqno is out of step — start a new session (new id, seqno from 0) and re-send everything.
    /// 18/19/20/64 (id parity, duplicate container id, too old, bad container): re-send with new ids.
    /// 34/35 and anything else: a bug re-sending cannot fix; fail that request.
    /// </summary>
    private void HandleBadMessageNotification(BadMsgNotification notification, long notificationMessageId)
    {
        Log.BadMessageNotification(_logger, _dcId, notification.ErrorCode, notification.BadMsgId);
        switch (notification.ErrorCode)
        {
            case 16 or 17:
                _messageIds.SynchronizeWith(notificationMessageId);
                _state.SetTimeOffset(_dcId, _messageIds.ClockOffset);
                Resend(notification.BadMsgId);
                break;
            case 32 or 33:
                StartNewSession();
                ResendAll();
                break;
            case 18 or 19 or 20 or 64:
                Resend(notification.BadMsgId);
                break;
            default:
                foreach (var id in ExpandContainer(notification.BadMsgId))
                {
                    if (_pending.TryRemove(id, out var request))
                    {
                        request.Fail(new MTProtoProtocolException($"The server rejected the message with bad_msg_notification {notification.ErrorCode}."));
                    }
                }

                break;
        }
    }

    private void HandleNewSessionCreated(NewSessionCreated notification)
    {
        Log.NewSessionCreated(_logger, _dcId);
        AdoptSalt(notification.ServerSalt);

        // The server will not answer what we sent before the session began on its side.
        var lost = _pending.Where(p => p.Key < notification.FirstMsgId).Select(p => p.Key).ToList();
        foreach (var id in lost)
        {
            Resend(id);
        }

        _owner.OnSessionReset(_dcId);
    }

    private void AdoptSalt(long salt)
    {
        Volatile.Write(ref _salt, salt);
        _state.SetCurrentSalt(_dcId, salt, _messageIds.ServerNow);
    }

    /// <summary>
    /// A new session id with seqno from zero; the next API call carries initConnection again. msg_ids are unique per
    /// session only, so the ids remembered from the old one are forgotten: the server may use them again.
    /// </summary>
    private void StartNewSession()
    {
        Volatile.Write(ref _sessionId, RandomInt64());
        _seqNo.Reset();
        _received.Clear();
        _needsInitConnection = true;
    }

    /// <summary>Queues the request sent as <paramref name="messageId"/> (or every request of that container) for re-sending.</summary>
    private void Resend(long messageId)
    {
        var count = 0;
        foreach (var id in ExpandContainer(messageId))
        {
            if (_pending.TryRemove(id, out var request) && !request.IsCompleted)
            {
                // The server did not process it, so it did not see the initConnection it carried either.
                _needsInitConnection |= request.CarriedInitConnection;
                _resend.Enqueue(request);
                count++;
            }
        }

        if (count > 0)
        {
            Log.Resending(_logger, _dcId, count);
            SignalSend();
        }
    }

    private void ResendAll()
    {
        foreach (var id in _pending.Keys.Order())
        {
            Resend(id);
        }
    }

    private IEnumerable<long> ExpandContainer(long messageId) =>
        _containers.TryRemove(messageId, out var inner) ? inner : [messageId];
}
