namespace Channel.Service.Replicas;

/// <summary>
/// <c>Leases:*</c>: how replicas share the accounts (one owner per account, <see cref="Persistence.Leases.AccountLease"/>)
/// and the outbox dispatcher. Validated at start-up (<see cref="LeaseOptionsValidator"/>). The defaults need no
/// configuration, for one replica as for several.
/// </summary>
internal sealed class LeaseOptions
{
    public const string Section = "Leases";

    /// <summary>This replica's name in the lease table; blank: host name, process id and a random suffix (unique per run).</summary>
    public string? InstanceId { get; set; }

    /// <summary>How long a lease lasts without renewal: a dead replica's accounts are taken over this long after its last renewal.</summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How often the owner renews all its leases (one statement) and looks for accounts to take or give up.</summary>
    public TimeSpan RenewInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A replica not seen for this long is not counted when the accounts are shared out.</summary>
    public TimeSpan ReplicaTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Without a successful renewal for this long the replica disconnects every account: the leases run out
    /// <see cref="RenewInterval"/> × 2 later at the earliest, time enough to stop before another replica takes over.
    /// </summary>
    public TimeSpan DisconnectAfter => Duration - (2 * RenewInterval);
}
