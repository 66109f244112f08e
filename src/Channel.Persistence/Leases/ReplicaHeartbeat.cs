namespace Channel.Persistence.Leases;

/// <summary>A live replica: it refreshes <see cref="LastSeenAt"/> every lease renewal; the account share is counted over these.</summary>
public sealed class ReplicaHeartbeat
{
    public required string InstanceId { get; init; }

    public required DateTimeOffset LastSeenAt { get; set; }
}
