namespace Channel.Persistence.Outbox;

/// <summary>
/// One event waiting to be published (or published and kept for <c>Outbox:Retention</c>). Written by
/// <see cref="OutboxWriter"/> (or by <see cref="ChannelDbContext"/> for account status changes) in the same
/// transaction as the state change it reports; read and marked by the dispatcher through <see cref="OutboxStore"/>.
/// </summary>
public sealed class OutboxMessage
{
    /// <summary>Identity: the dispatch order (commit order within one writer).</summary>
    public long Id { get; init; }

    /// <summary>The bus MessageId (= the contract's EventId). Unique: a replayed insert fails instead of duplicating.</summary>
    public required Guid MessageId { get; init; }

    /// <summary>The Telegram account the event is about; null for events about no account.</summary>
    public Guid? AccountId { get; init; }

    /// <summary>The contract type's name in Channel.Contracts, for example "InboundMessageReceived" (see <see cref="OutboxMessageTypes"/>).</summary>
    public required string MessageType { get; init; }

    /// <summary>The contract serialized as camelCase JSON (<see cref="OutboxMessageTypes.JsonOptions"/>).</summary>
    public required string Body { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Not published before this instant; <see cref="DateTimeOffset.MaxValue"/> parks a row that can never be published.</summary>
    public required DateTimeOffset AvailableAt { get; set; }

    /// <summary>Failed publish attempts so far.</summary>
    public int Attempts { get; set; }

    /// <summary>Why the last attempt failed (exception type and message, no message body).</summary>
    public string? LastError { get; set; }

    /// <summary>When the broker confirmed the publish; null while unsent.</summary>
    public DateTimeOffset? SentAt { get; set; }
}
