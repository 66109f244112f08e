namespace Channel.Contracts;

/// <summary>Telegram stored an agent's reply (sent over gRPC or by <see cref="SendTelegramMessage"/>); published once per idempotency key.</summary>
public sealed record OutboundMessageSent
{
    /// <summary>The version of this record's shape; 1 until a breaking change.</summary>
    public int SchemaVersion { get; init; } = 1;

    /// <summary>Deterministic per (account, idempotency key); also the bus MessageId.</summary>
    public required Guid EventId { get; init; }

    public required Guid AccountId { get; init; }

    public required long HelpdeskAccountId { get; init; }

    public required string IdempotencyKey { get; init; }

    /// <summary>The command's MessageId when it came over the bus.</summary>
    public Guid? CommandId { get; init; }

    public required ChatRef Chat { get; init; }

    public required int TelegramMessageId { get; init; }

    public required DateTimeOffset SentAt { get; init; }
}
