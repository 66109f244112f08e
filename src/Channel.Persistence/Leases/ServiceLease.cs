namespace Channel.Persistence.Leases;

/// <summary>
/// A lease on a job that one replica at a time must run (the outbox dispatcher), by name; the same rules as
/// <see cref="AccountLease"/>: renewed by its owner, taken once expired, the token incremented on every take-over.
/// </summary>
public sealed class ServiceLease
{
    public required string Name { get; init; }

    public required string Owner { get; set; }

    public long Token { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }
}
