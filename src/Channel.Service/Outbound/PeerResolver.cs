using System.Globalization;
using Channel.MTProto.Accounts;
using Channel.MTProto.Peers;

namespace Channel.Service.Outbound;

/// <summary>
/// A request's peer on the account's connection: a user id from the peer cache (someone who wrote to the account, or
/// was resolved before), a username (contacts.resolveUsername), a phone (contacts.importContacts), a basic group, or a
/// supergroup or channel the account is a member of.
/// </summary>
internal static class PeerResolver
{
    /// <exception cref="OutboundException">PEER_NOT_FOUND.</exception>
    public static async Task<PeerId> ResolveAsync(IAccountConnection connection, OutboundPeer peer, CancellationToken cancellationToken)
    {
        CachedPeer? found = peer.Kind switch
        {
            OutboundPeer.UserId => connection.FindPeer(PeerId.User(long.Parse(peer.Value, CultureInfo.InvariantCulture))) is { AccessHash: not null } user ? user : null,
            OutboundPeer.ChatId => connection.FindPeer(PeerId.Chat(long.Parse(peer.Value, CultureInfo.InvariantCulture))),
            OutboundPeer.ChannelId => connection.FindPeer(PeerId.Channel(long.Parse(peer.Value, CultureInfo.InvariantCulture))) is { AccessHash: not null } channel ? channel : null,
            OutboundPeer.Username => await connection.ResolveUsernameAsync(peer.Value, cancellationToken),
            OutboundPeer.Phone => await connection.ResolvePhoneAsync(peer.Value, cancellationToken),
            _ => null,
        };
        return found?.Id ?? throw new OutboundException(
            OutboundFailureKind.NotFound, OutboundReasons.PeerNotFound,
            peer.Kind switch
            {
                OutboundPeer.UserId => "The account does not know this user: it can write to users who wrote to it, or by username or phone.",
                OutboundPeer.ChatId or OutboundPeer.ChannelId => "The account is not a member of this chat.",
                OutboundPeer.Username => "No Telegram user or chat has this username.",
                _ => "No Telegram account can be found for this phone number.",
            });
    }

    /// <summary>The contracts' chat kind of a peer; a channel is a supergroup unless it is a broadcast channel.</summary>
    public static string ChatKindOf(PeerId peer, bool isBroadcast) => peer.Kind switch
    {
        PeerKind.User => Contracts.ChatKinds.User,
        PeerKind.Channel => isBroadcast ? Contracts.ChatKinds.Channel : Contracts.ChatKinds.Supergroup,
        _ => Contracts.ChatKinds.Group,
    };

    public static PeerId FromChat(string chatKind, long chatId) => chatKind switch
    {
        Contracts.ChatKinds.User => PeerId.User(chatId),
        Contracts.ChatKinds.Channel or Contracts.ChatKinds.Supergroup => PeerId.Channel(chatId),
        _ => PeerId.Chat(chatId),
    };
}
