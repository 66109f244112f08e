using Channel.MTProto.Tl.Api;
using TlChannel = Channel.MTProto.Tl.Api.Channel;

namespace Channel.MTProto.Peers;

/// <summary>Small readings of TL users and chats shared by the peer cache and the event mapper.</summary>
internal static class TlPeerExtensions
{
    /// <summary>"First Last", or null when the user has no name.</summary>
    public static string? GetDisplayName(this User user)
    {
        var name = string.Join(' ', new[] { user.FirstName, user.LastName }.Where(part => !string.IsNullOrEmpty(part)));
        return name.Length == 0 ? null : name;
    }

    /// <summary>The main username, or the first active collectible one.</summary>
    public static string? GetUsername(this User user) =>
        user.Username ?? user.Usernames?.OfType<Username>().FirstOrDefault(u => u.Active)?.UsernameValue;

    /// <summary>The id of a chat or channel constructor; null for unknown constructors.</summary>
    public static PeerId? GetPeerId(this ChatBase chat) => chat switch
    {
        Chat basic => PeerId.Chat(basic.Id),
        ChatForbidden forbidden => PeerId.Chat(forbidden.Id),
        TlChannel channel => PeerId.Channel(channel.Id),
        ChannelForbidden forbidden => PeerId.Channel(forbidden.Id),
        _ => null,
    };

    /// <summary>The title of a chat or channel constructor.</summary>
    public static string? GetTitle(this ChatBase chat) => chat switch
    {
        Chat basic => basic.Title,
        ChatForbidden forbidden => forbidden.Title,
        TlChannel channel => channel.Title,
        ChannelForbidden forbidden => forbidden.Title,
        _ => null,
    };
}
