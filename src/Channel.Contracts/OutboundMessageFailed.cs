namespace Channel.Contracts;

/// <summary>
/// A <see cref="SendTelegramMessage"/> command was not sent. <see cref="Retryable"/> false: sending the same command
/// again fails the same way (a new idempotency key is needed after fixing the cause). Flood waits are not failures:
/// the account's queue waits and sends.
/// </summary>
public sealed record OutboundMessageFailed
{
    /// <summary>The version of this record's shape; 1 until a breaking change.</summary>
    public int SchemaVersion { get; init; } = 1;

    public required Guid EventId { get; init; }

    public required Guid AccountId { get; init; }

    public long? HelpdeskAccountId { get; init; }

    public required string IdempotencyKey { get; init; }

    public Guid? CommandId { get; init; }

    /// <summary>
    /// Why: PEER_NOT_FOUND, MESSAGE_TOO_LONG, INVALID_COMMAND, ACCOUNT_NOT_ACTIVE, PEER_FLOOD, USER_IS_BLOCKED, or
    /// another Telegram error name.
    /// </summary>
    public required string Reason { get; init; }

    public required bool Retryable { get; init; }

    public required DateTimeOffset FailedAt { get; init; }
}
