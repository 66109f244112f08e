namespace Channel.Contracts;

/// <summary>
/// The other side read the account's messages in a chat, up to and including <see cref="MaxMessageId"/>
/// (Telegram's read receipts). Same delivery rules as <see cref="InboundMessageReceived"/>.
/// </summary>
public sealed record OutboundMessagesRead
{
    /// <summary>The version of this record's shape; 1 until a breaking change.</summary>
    public int SchemaVersion { get; init; } = 1;

    public required Guid EventId { get; init; }

    public required Guid AccountId { get; init; }

    public required long HelpdeskAccountId { get; init; }

    /// <summary>The account's message-event sequence (shared with the other message events).</summary>
    public required long Sequence { get; init; }

    public required ChatRef Chat { get; init; }

    /// <summary>Every outgoing message with an id up to this one is read.</summary>
    public required int MaxMessageId { get; init; }

    /// <summary>When the service learned of it (Telegram does not date read receipts).</summary>
    public required DateTimeOffset ReadAt { get; init; }
}
