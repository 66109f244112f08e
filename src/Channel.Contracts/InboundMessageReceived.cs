namespace Channel.Contracts;

/// <summary>
/// Someone wrote to the account: a new message in a private chat, group or channel it is in.
/// Published with the MassTransit MessageId equal to <see cref="EventId"/>; delivery is at least once, so consumers
/// drop an EventId they have already handled. Per account, events are published in <see cref="Sequence"/> order.
/// </summary>
public sealed record InboundMessageReceived
{
    /// <summary>The version of this record's shape; 1 until a breaking change (new fields are not one).</summary>
    public int SchemaVersion { get; init; } = 1;

    /// <summary>Unique per event and stable across re-deliveries: the deduplication key.</summary>
    public required Guid EventId { get; init; }

    /// <summary>The Telegram account (our id) that received the update.</summary>
    public required Guid AccountId { get; init; }

    /// <summary>The helpdesk tenant that owns the account.</summary>
    public required long HelpdeskAccountId { get; init; }

    /// <summary>Increases by one per message event of the account (received, sent elsewhere, edited, deleted, read); a gap means a missed event.</summary>
    public required long Sequence { get; init; }

    public required ChatRef Chat { get; init; }

    /// <summary>Who wrote the message; for <see cref="MessageSentFromOtherDevice"/> the account itself.</summary>
    public SenderRef? Sender { get; init; }

    /// <summary>Telegram's message id, unique within the chat (private chats and basic groups: within the account).</summary>
    public required int TelegramMessageId { get; init; }

    /// <summary>The message text or the media caption; empty for media without a caption.</summary>
    public required string Text { get; init; }

    public IReadOnlyList<MessageEntity> Entities { get; init; } = [];

    public int? ReplyToMessageId { get; init; }

    public ForwardRef? ForwardedFrom { get; init; }

    public MediaRef? Media { get; init; }

    /// <summary>When Telegram says the message was sent.</summary>
    public required DateTimeOffset SentAt { get; init; }

    /// <summary>When this service received the update.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }
}
