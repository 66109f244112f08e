namespace Channel.Persistence.Outbox;

/// <summary>How much is waiting: unsent rows and the creation time of the oldest (null when none).</summary>
public readonly record struct OutboxBacklog(long Count, DateTimeOffset? OldestCreatedAt);
