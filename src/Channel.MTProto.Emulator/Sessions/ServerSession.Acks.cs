namespace Channel.MTProto.Emulator.Sessions;

/// <summary>
/// Pushes kept until the client acknowledges them, resent when the session reappears on a new connection; and, per
/// channel, how many pushes the client has not acknowledged yet: past <c>WorldOptions.ChannelPendingUpdatesLimit</c>
/// the world sends one updateChannelTooLong instead and nothing more of that channel until the client asks for the
/// channel's difference (Telegram's behaviour for a client that falls behind).
/// </summary>
internal sealed partial class ServerSession
{
    /// <summary>Unacknowledged pushes kept per session; older ones are forgotten (the client's getDifference recovers them).</summary>
    private const int MaxUnacked = 1024;

    private readonly List<long> _lastIds = [];
    private readonly Dictionary<long, OutgoingMessage> _unacked = [];
    private readonly Queue<long> _unackedOrder = new();
    private readonly Dictionary<long, int> _pendingByChannel = [];
    private readonly HashSet<long> _channelTooLongSent = [];

    /// <summary>How many pushes wait for an acknowledgement (tests).</summary>
    public int UnackedCount
    {
        get
        {
            lock (_lock)
            {
                return _unacked.Count;
            }
        }
    }

    /// <summary>msgs_ack: forgets the acknowledged pushes.</summary>
    public void Acknowledge(IReadOnlyList<long> msgIds)
    {
        lock (_lock)
        {
            foreach (var msgId in msgIds)
            {
                if (_unacked.Remove(msgId, out var message))
                {
                    CountChannelPushLocked(message, -1);
                }
            }
        }
    }

    /// <summary>Queues every unacknowledged push again (oldest first): the session is back on a new connection.</summary>
    public bool RequeueUnacked()
    {
        lock (_lock)
        {
            if (_unacked.Count == 0)
            {
                return false;
            }

            var resend = new List<OutgoingMessage>(_unacked.Count);
            while (_unackedOrder.TryDequeue(out var msgId))
            {
                if (_unacked.Remove(msgId, out var message))
                {
                    resend.Add(message);
                }
            }

            // Counted already: they stay pending until acknowledged under their new msg_ids.
            _outbox.InsertRange(0, resend);
            return true;
        }
    }

    /// <summary>
    /// Queues a push of channel <paramref name="channelId"/> unless the client already has <paramref name="limit"/>
    /// of them unacknowledged: then queues <paramref name="tooLong"/> once instead. Returns whether anything was queued.
    /// </summary>
    public bool EnqueueChannelPush(long channelId, byte[] body, int limit, Func<byte[]> tooLong)
    {
        lock (_lock)
        {
            if (_channelTooLongSent.Contains(channelId))
            {
                return false;
            }

            if (_pendingByChannel.GetValueOrDefault(channelId) >= limit)
            {
                _channelTooLongSent.Add(channelId);
                _outbox.Add(new OutgoingMessage(tooLong(), ContentRelated: true, IsResponse: false, IsUpdate: true));
                return true;
            }

            var message = new OutgoingMessage(body, ContentRelated: true, IsResponse: false, IsUpdate: true, channelId);
            _outbox.Add(message);
            CountChannelPushLocked(message, 1);
            return true;
        }
    }

    /// <summary>
    /// The client asked for the channel's difference: its pushes flow again, and the channel's unacknowledged pushes
    /// are forgotten (the difference brings what they carried), so they no longer count against the limit.
    /// </summary>
    public void ResumeChannel(long channelId)
    {
        lock (_lock)
        {
            _channelTooLongSent.Remove(channelId);
            if (!_pendingByChannel.ContainsKey(channelId))
            {
                return;
            }

            foreach (var (msgId, message) in _unacked.Where(p => p.Value.ChannelId == channelId).ToList())
            {
                _unacked.Remove(msgId);
                CountChannelPushLocked(message, -1);
            }
        }
    }

    /// <summary>The fault "lost in transit": such pushes get a msg_id and wait for an acknowledgement, unsent.</summary>
    private void LosePushesLocked(Func<bool> losePush)
    {
        for (var i = 0; i < _outbox.Count; i++)
        {
            if (_outbox[i].IsUpdate && losePush())
            {
                KeepUntilAckedLocked(NextId(isResponse: false), _outbox[i]);
                _outbox.RemoveAt(i--);
            }
        }
    }

    private void KeepUntilAckedLocked(long msgId, OutgoingMessage message)
    {
        if (!message.IsUpdate)
        {
            return;
        }

        _unacked[msgId] = message;
        _unackedOrder.Enqueue(msgId);
        while (_unacked.Count > MaxUnacked && _unackedOrder.TryDequeue(out var oldest))
        {
            if (_unacked.Remove(oldest, out var forgotten))
            {
                CountChannelPushLocked(forgotten, -1);
            }
        }
    }

    private void CountChannelPushLocked(OutgoingMessage message, int delta)
    {
        if (message.ChannelId == 0)
        {
            return;
        }

        var count = _pendingByChannel.GetValueOrDefault(message.ChannelId) + delta;
        if (count <= 0)
        {
            _pendingByChannel.Remove(message.ChannelId);
        }
        else
        {
            _pendingByChannel[message.ChannelId] = count;
        }
    }
}
