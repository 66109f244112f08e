using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.Peers;

/// <summary>
/// "min" peers: a supergroup member (or a channel) Telegram sent only as a min constructor has no usable access hash,
/// but it can still be addressed through a message it appears in: inputPeerUserFromMessage /
/// inputPeerChannelFromMessage / inputUserFromMessage name the channel message (in a channel whose access hash we
/// have) where it was seen. The cache remembers the latest such message per peer, in memory only.
/// </summary>
internal sealed partial class PeerCache
{
    /// <summary>Message contexts kept; beyond this the oldest is forgotten (a restart forgets them all).</summary>
    private const int MaxMessageContexts = 10_000;

    private readonly Dictionary<PeerId, (long ChannelId, int MessageId)> _seenIn = [];
    private readonly Queue<PeerId> _seenInOrder = new();

    /// <summary>Remembers, for the author of a channel message we cannot address by hash, where it was seen.</summary>
    public void NoteMessage(MessageBase message)
    {
        var (channelPeer, messageId, from) = message switch
        {
            Message m => (m.PeerId, m.Id, m.FromId),
            MessageService m => (m.PeerId, m.Id, m.FromId),
            _ => (null, 0, null),
        };
        if (channelPeer is not PeerChannel channel || from is null)
        {
            return;
        }

        var author = PeerId.From(from);
        lock (_lock)
        {
            if (!_peers.TryGetValue(PeerId.Channel(channel.ChannelId), out var inChannel) || inChannel.AccessHash is null
                || (_peers.TryGetValue(author, out var known) && known.AccessHash is not null) || author.Kind == PeerKind.Chat)
            {
                return;
            }

            if (!_seenIn.ContainsKey(author))
            {
                _seenInOrder.Enqueue(author);
            }

            _seenIn[author] = (channel.ChannelId, messageId);
            while (_seenIn.Count > MaxMessageContexts && _seenInOrder.TryDequeue(out var oldest))
            {
                _seenIn.Remove(oldest);
            }
        }
    }

    /// <summary>The from-message input peer of a user or channel without a usable hash, or null.</summary>
    private InputPeerBase? InputPeerFromMessage(PeerId id)
    {
        lock (_lock)
        {
            if ((_peers.TryGetValue(id, out var known) && known.AccessHash is not null) || !_seenIn.TryGetValue(id, out var seen)
                || !_peers.TryGetValue(PeerId.Channel(seen.ChannelId), out var channel) || channel.AccessHash is not { } hash)
            {
                return null;
            }

            var where = new InputPeerChannel { ChannelId = seen.ChannelId, AccessHash = hash };
            return id.Kind == PeerKind.User
                ? new InputPeerUserFromMessage { Peer = where, MsgId = seen.MessageId, UserId = id.Id }
                : new InputPeerChannelFromMessage { Peer = where, MsgId = seen.MessageId, ChannelId = id.Id };
        }
    }
}
