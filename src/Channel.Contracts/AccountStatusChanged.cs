namespace Channel.Contracts;

/// <summary>
/// A Telegram account changed status: logged in ("Active"), logged out, Telegram revoked its session, banned or
/// deactivated it, a login started or was cancelled, or the account was deleted. Written to the outbox in the same
/// database transaction as the status change itself.
/// <para>
/// No <c>Sequence</c>: status changes are not part of the per-account message sequence (they come from the
/// account's lifecycle, not from Telegram's update stream). They are still published in the order they happened,
/// interleaved in commit order with the account's message events; <see cref="OccurredAt"/> orders them.
/// <see cref="EventId"/> is a fresh (version 7) GUID per status change, written once; redeliveries keep it.
/// </para>
/// </summary>
public sealed record AccountStatusChanged
{
    /// <summary>The status "Deleted" (not a stored status: the account is gone afterwards).</summary>
    public const string DeletedStatus = "Deleted";

    /// <summary>The version of this record's shape; 1 until a breaking change.</summary>
    public int SchemaVersion { get; init; } = 1;

    public required Guid EventId { get; init; }

    public required Guid AccountId { get; init; }

    public required long HelpdeskAccountId { get; init; }

    /// <summary>
    /// The new status: "Pending", "CodeSent", "PasswordRequired", "Active", "LoggedOut", "SessionRevoked",
    /// "Banned", "Deactivated", or "Deleted". Consumers should treat unknown values as "not usable".
    /// </summary>
    public required string Status { get; init; }

    /// <summary>The status before, or null when not known.</summary>
    public string? PreviousStatus { get; init; }

    /// <summary>Telegram's error name when Telegram caused the change (for example "SESSION_REVOKED", "USER_DEACTIVATED_BAN"), else null.</summary>
    public string? Reason { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }
}
