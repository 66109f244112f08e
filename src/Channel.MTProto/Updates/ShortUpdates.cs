using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.UpdateHandling;

/// <summary>
/// The short constructors Telegram uses to save bytes, turned back into the full updates they stand for, so the
/// host sees one shape (updateNewMessage with a message) whatever the server chose to send.
/// </summary>
internal static class ShortUpdates
{
    /// <summary>updateShortMessage: a private message from (or, when out, to) <c>user_id</c>.</summary>
    public static UpdateNewMessage ToNewMessage(UpdateShortMessage s, long? selfUserId) => new()
    {
        Message = new Message
        {
            Out = s.Out,
            Mentioned = s.Mentioned,
            MediaUnread = s.MediaUnread,
            Silent = s.Silent,
            Id = s.Id,
            FromId = s.Out ? (selfUserId is { } self ? new PeerUser { UserId = self } : null) : new PeerUser { UserId = s.UserId },
            PeerId = new PeerUser { UserId = s.UserId },
            FwdFrom = s.FwdFrom,
            ViaBotId = s.ViaBotId,
            ReplyTo = s.ReplyTo,
            Date = s.Date,
            MessageValue = s.Message,
            Entities = s.Entities,
            TtlPeriod = s.TtlPeriod,
        },
        Pts = s.Pts,
        PtsCount = s.PtsCount,
    };

    /// <summary>updateShortChatMessage: a message in basic group <c>chat_id</c> from <c>from_id</c>.</summary>
    public static UpdateNewMessage ToNewMessage(UpdateShortChatMessage s) => new()
    {
        Message = new Message
        {
            Out = s.Out,
            Mentioned = s.Mentioned,
            MediaUnread = s.MediaUnread,
            Silent = s.Silent,
            Id = s.Id,
            FromId = new PeerUser { UserId = s.FromId },
            PeerId = new PeerChat { ChatId = s.ChatId },
            FwdFrom = s.FwdFrom,
            ViaBotId = s.ViaBotId,
            ReplyTo = s.ReplyTo,
            Date = s.Date,
            MessageValue = s.Message,
            Entities = s.Entities,
            TtlPeriod = s.TtlPeriod,
        },
        Pts = s.Pts,
        PtsCount = s.PtsCount,
    };

    /// <summary>
    /// updateShortSentMessage (the answer to our own messages.sendMessage) only makes sense with the request: it
    /// lacks the peer and the text.
    /// </summary>
    public static UpdateNewMessage ToNewMessage(UpdateShortSentMessage s, PeerBase peer, string text, MessageReplyHeaderBase? replyTo, long? selfUserId) => new()
    {
        Message = new Message
        {
            Out = true,
            Id = s.Id,
            FromId = selfUserId is { } self ? new PeerUser { UserId = self } : null,
            PeerId = peer,
            ReplyTo = replyTo,
            Date = s.Date,
            MessageValue = text,
            Media = s.Media,
            Entities = s.Entities,
            TtlPeriod = s.TtlPeriod,
        },
        Pts = s.Pts,
        PtsCount = s.PtsCount,
    };
}
