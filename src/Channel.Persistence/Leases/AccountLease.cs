using Channel.Domain.Accounts;

namespace Channel.Persistence.Leases;

/// <summary>
/// Which replica may connect an account: one row per account that has ever been leased. The owner renews
/// <see cref="ExpiresAt"/>; anyone may take the lease once it has passed, and every take-over increments
/// <see cref="Token"/> (the fencing token every runtime write is conditioned on). A released lease keeps its owner
/// and token with an expiry in the past, so the next take-over still increments the token.
/// </summary>
public sealed class AccountLease
{
    public required TelegramAccountId AccountId { get; init; }

    /// <summary>The instance id of the replica holding (or that last held) the lease.</summary>
    public required string Owner { get; set; }

    /// <summary>The fencing token: 1 for the first owner, one more on every take-over.</summary>
    public long Token { get; set; }

    /// <summary>The lease is held until this instant (exclusive).</summary>
    public DateTimeOffset ExpiresAt { get; set; }
}
