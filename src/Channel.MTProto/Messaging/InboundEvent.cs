using Channel.MTProto.Peers;
using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.Messaging;

/// <summary>Where a message was posted.</summary>
public enum ChatKind
{
    /// <summary>A one-to-one chat with a user.</summary>
    Private,

    /// <summary>A basic group or a supergroup.</summary>
    Group,

    /// <summary>A broadcast channel.</summary>
    Channel,
}

/// <summary>
/// Identifies a message for good: message ids are per account for private chats and basic groups and per channel
/// for channels, so the chat is part of the key. Use it to drop duplicates downstream.
/// </summary>
public readonly record struct MessageKey(PeerId Chat, int MessageId)
{
    public override string ToString() => $"{Chat}/{MessageId}";
}

/// <summary>The kind of media attached to a message.</summary>
public enum MediaKind
{
    Photo,
    Document,
    Video,
    Audio,
    Voice,
    VideoNote,
    Sticker,
    Animation,
    Contact,
    Geo,
    Venue,
    Poll,
    WebPage,
    Dice,
    Other,
}

/// <summary>What a message carries besides its text (the bytes are downloaded separately, later).</summary>
/// <param name="Kind">Photo, document, voice…</param>
/// <param name="Size">Bytes, when Telegram says (documents; the largest size of a photo).</param>
/// <param name="FileName">The document's file name attribute, if any.</param>
/// <param name="MimeType">The document's MIME type (photos are image/jpeg).</param>
public sealed record MediaDescriptor(MediaKind Kind, long? Size, string? FileName, string? MimeType);

/// <summary>A message as the host sees it.</summary>
/// <param name="Key">Chat and message id: stable, for de-duplication.</param>
/// <param name="ChatKind">Private, group or channel.</param>
/// <param name="Sender">
/// The author; null for a channel post without a signature, and for our own outgoing private messages when Telegram
/// omits from_id (then <paramref name="Outgoing"/> is true: the sender is this account).
/// </param>
/// <param name="Outgoing">Sent by this account (from another device or by us).</param>
/// <param name="Date">When it was sent.</param>
/// <param name="Text">The text or the media caption ("" when there is none).</param>
/// <param name="Entities">Formatting and links in <paramref name="Text"/>, as Telegram sent them (UTF-16 offsets).</param>
/// <param name="ReplyToMessageId">The message this one answers, in the same chat.</param>
/// <param name="Media">The attachment, if any.</param>
/// <param name="EditDate">When it was last edited, if ever.</param>
/// <param name="SenderName">The author's display name, when the update carried the user or chat.</param>
/// <param name="SenderUsername">The author's username, when known.</param>
/// <param name="ChatTitle">The chat's title (the user's name for private chats), when known.</param>
public sealed record InboundMessage(
    MessageKey Key,
    ChatKind ChatKind,
    PeerId? Sender,
    bool Outgoing,
    DateTimeOffset Date,
    string Text,
    IReadOnlyList<MessageEntityBase> Entities,
    int? ReplyToMessageId,
    MediaDescriptor? Media,
    DateTimeOffset? EditDate,
    string? SenderName,
    string? SenderUsername,
    string? ChatTitle)
{
    public PeerId Chat => Key.Chat;

    public int MessageId => Key.MessageId;
}

/// <summary>Something that happened in this account's chats, mapped from a Telegram update.</summary>
public abstract record InboundEvent;

/// <summary>A message arrived (or was sent by this account from elsewhere: see <see cref="InboundMessage.Outgoing"/>).</summary>
public sealed record NewMessage(InboundMessage Message) : InboundEvent;

/// <summary>A message was edited; <see cref="Message"/> is its new content.</summary>
public sealed record MessageEdited(InboundMessage Message) : InboundEvent;

/// <summary>Messages were deleted.</summary>
/// <param name="Channel">The channel for channel messages; null for private chats and basic groups, whose ids are per account (Telegram does not say the chat).</param>
/// <param name="MessageIds">The deleted ids.</param>
public sealed record MessagesDeleted(PeerId? Channel, IReadOnlyList<int> MessageIds) : InboundEvent;

/// <summary>The other side read our messages in <paramref name="Chat"/> up to and including <paramref name="MaxId"/>.</summary>
public sealed record OutboxRead(PeerId Chat, int MaxId) : InboundEvent;
