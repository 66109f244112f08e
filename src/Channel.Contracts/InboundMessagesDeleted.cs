namespace Channel.Contracts;

/// <summary>
/// Messages were deleted. For private chats and basic groups Telegram does not say which chat: then
/// <see cref="Chat"/> is null and the ids are unique within the account. For channels and supergroups it is set.
/// Same delivery rules as <see cref="InboundMessageReceived"/>.
/// </summary>
public sealed record InboundMessagesDeleted
{
    /// <summary>The version of this record's shape; 1 until a breaking change.</summary>
    public int SchemaVersion { get; init; } = 1;

    public required Guid EventId { get; init; }

    public required Guid AccountId { get; init; }

    public required long HelpdeskAccountId { get; init; }

    /// <summary>The account's message-event sequence (shared with the other message events).</summary>
    public required long Sequence { get; init; }

    /// <summary>The channel or supergroup; null when Telegram does not name the chat (private chats, basic groups).</summary>
    public ChatRef? Chat { get; init; }

    public required IReadOnlyList<int> TelegramMessageIds { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }
}
