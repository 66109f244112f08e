using Channel.MTProto.Tl.Api;
using TlChannel = Channel.MTProto.Tl.Api.Channel;

namespace Channel.MTProto.Emulator.World;

/// <summary>Channels and their messages as layer-198 TL objects, as seen by a given user (the channel's Gate held).</summary>
internal static class ChannelTl
{
    private static readonly ChatAdminRights CreatorRights = new()
    {
        ChangeInfo = true,
        PostMessages = true,
        EditMessages = true,
        DeleteMessages = true,
        BanUsers = true,
        InviteUsers = true,
        PinMessages = true,
        AddAdmins = true,
        ManageCall = true,
        Other = true,
    };

    public static PeerChannel Peer(WorldChannel channel) => new() { ChannelId = channel.Id };

    /// <summary>The channel; <c>left</c> for a viewer who is not a member.</summary>
    public static TlChannel Channel(WorldChannel channel, long viewerId) => new()
    {
        Creator = channel.CreatorId == viewerId,
        Left = !channel.MemberIds.Contains(viewerId),
        Broadcast = !channel.Megagroup,
        Megagroup = channel.Megagroup,
        Id = channel.Id,
        AccessHash = channel.AccessHash,
        Title = channel.Title,
        Photo = new ChatPhotoEmpty(),
        Date = channel.Date,
        ParticipantsCount = channel.MemberIds.Count,
        AdminRights = channel.IsAdmin(viewerId) ? CreatorRights : null,
    };

    /// <summary>A post: from_id names the author in a supergroup; a broadcast post is the channel's (post, no from_id).</summary>
    public static MessageBase Message(WorldChannel channel, ChannelPost post, long viewerId)
    {
        var isOut = post.FromId == viewerId;
        PeerBase? from = channel.Megagroup ? new PeerUser { UserId = post.FromId } : null;
        if (post.Action is { } action)
        {
            return new MessageService
            {
                Out = isOut,
                Post = !channel.Megagroup,
                Id = post.Id,
                FromId = from,
                PeerId = Peer(channel),
                Date = post.Date,
                Action = action switch
                {
                    "chatAddUser" => new MessageActionChatAddUser { Users = post.ActionUserIds },
                    "channelMigrateFrom" => new MessageActionChannelMigrateFrom { Title = channel.Title, ChatId = post.ActionChatId },
                    _ => new MessageActionChannelCreate { Title = channel.Title },
                },
            };
        }

        return new Message
        {
            Out = isOut,
            Post = !channel.Megagroup,
            Id = post.Id,
            FromId = from,
            PeerId = Peer(channel),
            Date = post.Date,
            MessageValue = post.Text,
            Media = post.Media?.ToTl(),
            EditDate = post.EditDate,
            Entities = post.Entities.Count == 0 ? null : WorldTl.Entities(post.Entities),
            ReplyTo = WorldTl.ReplyTo(post.ReplyToId),
            Views = channel.Megagroup ? null : 1,
            Forwards = channel.Megagroup ? null : 0,
        };
    }

    /// <summary>The member's dialog with the channel (with the channel's pts, as Telegram gives it).</summary>
    public static Dialog Dialog(WorldChannel channel, long viewerId)
    {
        var readMax = channel.ReadInboxMaxId.GetValueOrDefault(viewerId);
        return new Dialog
        {
            Peer = Peer(channel),
            TopMessage = channel.Messages.Count == 0 ? 0 : channel.Messages[^1].Id,
            ReadInboxMaxId = readMax,
            ReadOutboxMaxId = ReadOutboxMaxId(channel, viewerId),
            UnreadCount = channel.Messages.Count(m => m.Id > readMax && m.FromId != viewerId),
            UnreadMentionsCount = 0,
            UnreadReactionsCount = 0,
            NotifySettings = new PeerNotifySettings(),
            Pts = channel.Pts,
        };
    }

    /// <summary>The highest id any other member has read: everything the viewer posted up to it counts as read.</summary>
    public static int ReadOutboxMaxId(WorldChannel channel, long viewerId)
        => channel.ReadInboxMaxId.Where(r => r.Key != viewerId).Select(r => r.Value).DefaultIfEmpty(0).Max();
}
