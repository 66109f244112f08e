using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.Emulator.World;

/// <summary>The world's records as layer-198 TL objects, as seen by a given user.</summary>
internal static class WorldTl
{
    public static User User(WorldUser user, long viewerId) => new()
    {
        Self = user.Id == viewerId,
        Id = user.Id,
        AccessHash = user.AccessHash,
        FirstName = user.FirstName,
        LastName = user.LastName,
        Username = user.Username,
        Phone = user.Phone,
        Status = new UserStatusRecently(),
    };

    /// <summary>A peer from a peer key: a user id, or −chat id for a basic group.</summary>
    public static PeerBase Peer(long peerKey) => peerKey < 0 ? new PeerChat { ChatId = -peerKey } : new PeerUser { UserId = peerKey };

    public static Chat Chat(WorldChat chat, long viewerId) => new()
    {
        Creator = chat.CreatorId == viewerId,
        Id = chat.Id,
        Title = chat.Title,
        Photo = new ChatPhotoEmpty(),
        ParticipantsCount = chat.MemberIds.Count,
        Date = chat.Date,
        Version = 1,
        Deactivated = chat.MigratedToChannelId != 0,
        MigratedTo = chat.MigratedToChannelId == 0 ? null : new InputChannel { ChannelId = chat.MigratedToChannelId, AccessHash = chat.MigratedToAccessHash },
    };

    /// <summary>A copy in a box: a text message, or the messageActionChatMigrateTo service message of a migration.</summary>
    public static MessageBase Message(BoxMessage message) => message.MigratedToChannelId == 0 ? TextMessage(message) : new MessageService
    {
        Out = message.Out,
        Id = message.Id,
        FromId = new PeerUser { UserId = message.FromId },
        PeerId = Peer(message.PeerKey),
        Date = message.Date,
        Action = new MessageActionChatMigrateTo { ChannelId = message.MigratedToChannelId },
    };

    private static Message TextMessage(BoxMessage message) => new()
    {
        Out = message.Out,
        Id = message.Id,
        FromId = new PeerUser { UserId = message.FromId },
        PeerId = Peer(message.PeerKey),
        Date = message.Date,
        MessageValue = message.Text,
        EditDate = message.EditDate,
        Entities = message.Entities.Count == 0 ? null : Entities(message.Entities),
        ReplyTo = ReplyTo(message.ReplyToId),
        Media = message.Media?.ToTl(),
    };

    public static MessageEntityBase[] Entities(List<WorldEntity> entities) => [.. entities.Select(e => e.ToTl())];

    public static MessageReplyHeader? ReplyTo(int? replyToId) => replyToId is { } id ? new MessageReplyHeader { ReplyToMsgId = id } : null;
}
