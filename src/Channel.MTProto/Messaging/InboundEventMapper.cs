using System.Diagnostics.CodeAnalysis;
using Channel.MTProto.Peers;
using Channel.MTProto.Tl.Api;
using TlChannel = Channel.MTProto.Tl.Api.Channel;
using TlMessage = Channel.MTProto.Tl.Api.Message;

namespace Channel.MTProto.Messaging;

/// <summary>
/// Turns one Telegram update into the host's <see cref="InboundEvent"/>. The updates engine calls it for every update
/// of an ordered batch, with the users and chats that came with the batch (for names and chat kinds).
/// </summary>
internal static class InboundEventMapper
{
    /// <summary>Maps the updates the host cares about; false for every other update (typing, service messages…).</summary>
    public static bool TryMap(UpdateBase update, IReadOnlyList<UserBase> users, IReadOnlyList<ChatBase> chats, [NotNullWhen(true)] out InboundEvent? evt)
    {
        ArgumentNullException.ThrowIfNull(update);
        evt = update switch
        {
            UpdateNewMessage { Message: TlMessage message } => new NewMessage(MapMessage(message, users, chats)),
            UpdateNewChannelMessage { Message: TlMessage message } => new NewMessage(MapMessage(message, users, chats)),
            UpdateEditMessage { Message: TlMessage message } => new MessageEdited(MapMessage(message, users, chats)),
            UpdateEditChannelMessage { Message: TlMessage message } => new MessageEdited(MapMessage(message, users, chats)),
            UpdateDeleteMessages deleted => new MessagesDeleted(null, deleted.Messages),
            UpdateDeleteChannelMessages deleted => new MessagesDeleted(PeerId.Channel(deleted.ChannelId), deleted.Messages),
            UpdateReadHistoryOutbox read => new OutboxRead(PeerId.From(read.Peer), read.MaxId),
            UpdateReadChannelOutbox read => new OutboxRead(PeerId.Channel(read.ChannelId), read.MaxId),
            _ => null,
        };
        return evt is not null;
    }

    /// <summary>A TL message as the host's <see cref="InboundMessage"/>.</summary>
    public static InboundMessage MapMessage(TlMessage message, IReadOnlyList<UserBase> users, IReadOnlyList<ChatBase> chats)
    {
        ArgumentNullException.ThrowIfNull(message);
        var chat = PeerId.From(message.PeerId);

        // Private chats omit from_id for the other side's messages: the chat is the sender.
        PeerId? sender = message.FromId is { } from ? PeerId.From(from) : chat.Kind == PeerKind.User && !message.Out ? chat : null;
        var chatKind = chat.Kind switch
        {
            PeerKind.User => ChatKind.Private,
            PeerKind.Chat => ChatKind.Group,
            _ => FindChat(chats, chat) switch
            {
                TlChannel { Megagroup: true } => ChatKind.Group,
                null when !message.Post => ChatKind.Group,
                _ => ChatKind.Channel,
            },
        };
        var (senderName, senderUsername) = sender is { } who ? Describe(who, users, chats) : (null, null);
        var reply = message.ReplyTo is MessageReplyHeader { ReplyToPeerId: null, ReplyToMsgId: { } replyId } ? replyId : (int?)null;

        return new InboundMessage(
            new MessageKey(chat, message.Id),
            chatKind,
            sender,
            message.Out,
            DateTimeOffset.FromUnixTimeSeconds(message.Date),
            message.MessageValue,
            message.Entities ?? [],
            reply,
            MapMedia(message.Media),
            message.EditDate is { } edited ? DateTimeOffset.FromUnixTimeSeconds(edited) : null,
            senderName,
            senderUsername,
            Describe(chat, users, chats).Name);
    }

    /// <summary>The descriptor of a message's media; null for none.</summary>
    public static MediaDescriptor? MapMedia(MessageMediaBase? media) => media switch
    {
        null or MessageMediaEmpty => null,
        MessageMediaPhoto { Photo: Photo photo } => new MediaDescriptor(MediaKind.Photo, LargestPhotoSize(photo), null, "image/jpeg"),
        MessageMediaPhoto => new MediaDescriptor(MediaKind.Photo, null, null, "image/jpeg"),
        MessageMediaDocument { Document: Document document } => MapDocument(document),
        MessageMediaDocument => new MediaDescriptor(MediaKind.Document, null, null, null),
        MessageMediaContact => new MediaDescriptor(MediaKind.Contact, null, null, null),
        MessageMediaGeo or MessageMediaGeoLive => new MediaDescriptor(MediaKind.Geo, null, null, null),
        MessageMediaVenue => new MediaDescriptor(MediaKind.Venue, null, null, null),
        MessageMediaPoll => new MediaDescriptor(MediaKind.Poll, null, null, null),
        MessageMediaWebPage => new MediaDescriptor(MediaKind.WebPage, null, null, null),
        MessageMediaDice => new MediaDescriptor(MediaKind.Dice, null, null, null),
        _ => new MediaDescriptor(MediaKind.Other, null, null, null),
    };

    private static MediaDescriptor MapDocument(Document document)
    {
        var kind = MediaKind.Document;
        string? fileName = null;
        foreach (var attribute in document.Attributes)
        {
            switch (attribute)
            {
                case DocumentAttributeFilename name:
                    fileName = name.FileName;
                    break;
                case DocumentAttributeSticker:
                    kind = MediaKind.Sticker;
                    break;
                case DocumentAttributeAnimated:
                    kind = MediaKind.Animation;
                    break;
                case DocumentAttributeVideo video when kind is MediaKind.Document:
                    kind = video.RoundMessage ? MediaKind.VideoNote : MediaKind.Video;
                    break;
                case DocumentAttributeAudio audio when kind is MediaKind.Document:
                    kind = audio.Voice ? MediaKind.Voice : MediaKind.Audio;
                    break;
            }
        }

        return new MediaDescriptor(kind, document.Size, fileName, document.MimeType);
    }

    private static long? LargestPhotoSize(Photo photo)
    {
        long? largest = null;
        foreach (var size in photo.Sizes)
        {
            long? bytes = size switch
            {
                PhotoSize plain => plain.Size,
                PhotoSizeProgressive progressive when progressive.Sizes.Count > 0 => progressive.Sizes.Max(),
                _ => null,
            };
            if (bytes > (largest ?? -1))
            {
                largest = bytes;
            }
        }

        return largest;
    }

    private static ChatBase? FindChat(IReadOnlyList<ChatBase> chats, PeerId id) =>
        chats.FirstOrDefault(chat => chat.GetPeerId() == id);

    /// <summary>Display name and username of a peer, from the users/chats of the same batch.</summary>
    private static (string? Name, string? Username) Describe(PeerId peer, IReadOnlyList<UserBase> users, IReadOnlyList<ChatBase> chats)
    {
        if (peer.Kind == PeerKind.User)
        {
            return users.OfType<User>().FirstOrDefault(u => u.Id == peer.Id) is { } user ? (user.GetDisplayName(), user.GetUsername()) : (null, null);
        }

        return FindChat(chats, peer) is { } chat ? (chat.GetTitle(), (chat as TlChannel)?.Username) : (null, null);
    }
}
