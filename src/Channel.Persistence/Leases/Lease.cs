using Channel.Domain.Accounts;

namespace Channel.Persistence.Leases;

/// <summary>A lease this replica holds: writes made under it are fenced by <see cref="Token"/>.</summary>
public sealed record Lease(TelegramAccountId AccountId, string Owner, long Token);
