using Channel.MTProto.Peers;
using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.UpdateHandling;

/// <summary>The account's <see cref="PeerCache"/> as the engine sees it: a peer is known when it has a usable access hash.</summary>
internal sealed class PeerCacheUpdatePeers(PeerCache cache) : IUpdatePeers
{
    public void Apply(IReadOnlyList<UserBase> users, IReadOnlyList<ChatBase> chats) => cache.Apply(users, chats);

    public bool HasUser(long userId) => cache.TryGet(PeerId.User(userId), out var peer) && peer.AccessHash is not null;

    // Basic groups need no access hash: being cached is enough.
    public bool HasChat(long chatId) => cache.TryGet(PeerId.Chat(chatId), out _);

    public void NoteChannelMessage(MessageBase message) => cache.NoteMessage(message);

    public bool TryGetChannelAccessHash(long channelId, out long accessHash)
    {
        accessHash = 0;
        if (cache.TryGet(PeerId.Channel(channelId), out var peer) && peer.AccessHash is { } hash)
        {
            accessHash = hash;
            return true;
        }

        return false;
    }
}
