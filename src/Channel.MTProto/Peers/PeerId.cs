using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.Peers;

/// <summary>What a Telegram peer id refers to; ids of different kinds may collide, so the kind is part of the key.</summary>
public enum PeerKind : byte
{
    User = 1,

    /// <summary>A basic group (chat).</summary>
    Chat = 2,

    /// <summary>A channel or a supergroup (both are channels on the wire).</summary>
    Channel = 3,
}

/// <summary>A peer as Telegram addresses it (the TL <c>Peer</c>): kind and id, no access hash.</summary>
public readonly record struct PeerId(PeerKind Kind, long Id)
{
    public static PeerId User(long id) => new(PeerKind.User, id);

    public static PeerId Chat(long id) => new(PeerKind.Chat, id);

    public static PeerId Channel(long id) => new(PeerKind.Channel, id);

    /// <summary>The id of a TL peer.</summary>
    /// <exception cref="ArgumentException">An unknown Peer constructor.</exception>
    public static PeerId From(PeerBase peer) => peer switch
    {
        PeerUser user => User(user.UserId),
        PeerChat chat => Chat(chat.ChatId),
        PeerChannel channel => Channel(channel.ChannelId),
        _ => throw new ArgumentException($"Unknown peer constructor {peer.GetType().Name}.", nameof(peer)),
    };

    /// <summary>The TL peer for this id.</summary>
    public PeerBase ToTlPeer() => Kind switch
    {
        PeerKind.User => new PeerUser { UserId = Id },
        PeerKind.Chat => new PeerChat { ChatId = Id },
        _ => new PeerChannel { ChannelId = Id },
    };

    public override string ToString() => $"{Kind}:{Id}";
}
