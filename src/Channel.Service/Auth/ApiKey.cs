using Channel.Domain.Accounts;

namespace Channel.Service.Auth;

/// <summary>
/// A configured API key: only the SHA-256 of the key is known to the service. <see cref="Name"/> (its configuration
/// path) is what logs and rate limits use to tell keys apart.
/// </summary>
internal sealed record ApiKey(string Name, byte[] Sha256, bool Admin, IReadOnlySet<HelpdeskAccountId> HelpdeskAccountIds);
