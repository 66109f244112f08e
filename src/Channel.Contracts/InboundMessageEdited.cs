namespace Channel.Contracts;

/// <summary>
/// A message in one of the account's chats was edited (by its sender, or by the account on another device).
/// Same delivery rules as <see cref="InboundMessageReceived"/>: dedupe on <see cref="EventId"/>, ordered by <see cref="Sequence"/>.
/// </summary>
public sealed record InboundMessageEdited
{
    /// <summary>The version of this record's shape; 1 until a breaking change.</summary>
    public int SchemaVersion { get; init; } = 1;

    public required Guid EventId { get; init; }

    public required Guid AccountId { get; init; }

    public required long HelpdeskAccountId { get; init; }

    /// <summary>The account's message-event sequence (shared with the other message events).</summary>
    public required long Sequence { get; init; }

    public required ChatRef Chat { get; init; }

    public SenderRef? Sender { get; init; }

    public required int TelegramMessageId { get; init; }

    /// <summary>The new text (or caption).</summary>
    public required string Text { get; init; }

    public IReadOnlyList<MessageEntity> Entities { get; init; } = [];

    public MediaRef? Media { get; init; }

    /// <summary>Telegram's edit date.</summary>
    public required DateTimeOffset EditedAt { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }
}
