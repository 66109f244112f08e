using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.UpdateHandling;

/// <summary>
/// The short constructors Telegram uses to save bytes, turned back into the full updates they stand for, so the
/// host sees one shape (updateNewMessage with a message) whatever the server chose to send.
/// </summary>
internal static class ShortUpdates
{
    /// <summary>updateShortMessage: a private message from (or, when out, to) <c>user_id</c>.</summary>
    public static UpdateNewMessage ToNewMessage(UpdateShortMessage s, long? selfUserId) => NewMessage(
        s.Out ? (selfUserId is { } self ? new PeerUser { UserId = self } : null) : new PeerUser { UserId = s.UserId },
        new PeerUser { UserId = s.UserId },
        new ShortFields(s.Out, s.Mentioned, s.MediaUnread, s.Silent, s.Id, s.FwdFrom, s.ViaBotId, s.ReplyTo, s.Date, s.Message, s.Entities, s.TtlPeriod, s.Pts, s.PtsCount));

    /// <summary>updateShortChatMessage: a message in basic group <c>chat_id</c> from <c>from_id</c>.</summary>
    public static UpdateNewMessage ToNewMessage(UpdateShortChatMessage s) => NewMessage(
        new PeerUser { UserId = s.FromId },
        new PeerChat { ChatId = s.ChatId },
        new ShortFields(s.Out, s.Mentioned, s.MediaUnread, s.Silent, s.Id, s.FwdFrom, s.ViaBotId, s.ReplyTo, s.Date, s.Message, s.Entities, s.TtlPeriod, s.Pts, s.PtsCount));

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

    private static UpdateNewMessage NewMessage(PeerBase? from, PeerBase peer, ShortFields f) => new()
    {
        Message = new Message
        {
            Out = f.Out,
            Mentioned = f.Mentioned,
            MediaUnread = f.MediaUnread,
            Silent = f.Silent,
            Id = f.Id,
            FromId = from,
            PeerId = peer,
            FwdFrom = f.FwdFrom,
            ViaBotId = f.ViaBotId,
            ReplyTo = f.ReplyTo,
            Date = f.Date,
            MessageValue = f.Text,
            Entities = f.Entities,
            TtlPeriod = f.TtlPeriod,
        },
        Pts = f.Pts,
        PtsCount = f.PtsCount,
    };

    /// <summary>The fields updateShortMessage and updateShortChatMessage share (the TL classes have no common base).</summary>
    private readonly record struct ShortFields(
        bool Out,
        bool Mentioned,
        bool MediaUnread,
        bool Silent,
        int Id,
        MessageFwdHeaderBase? FwdFrom,
        long? ViaBotId,
        MessageReplyHeaderBase? ReplyTo,
        int Date,
        string Text,
        IReadOnlyList<MessageEntityBase>? Entities,
        int? TtlPeriod,
        int Pts,
        int PtsCount);
}
