using Channel.Domain.Accounts;

namespace Channel.Service.Auth;

/// <summary>
/// Who a piece of work acts for: a key's tenants, an admin key (every tenant) or the service itself (background work,
/// or every call when <c>Auth:Disabled=true</c>).
/// </summary>
internal sealed class Caller
{
    private readonly IReadOnlySet<HelpdeskAccountId> _tenants;

    private Caller(string name, bool unrestricted, IReadOnlySet<HelpdeskAccountId> tenants)
    {
        Name = name;
        IsUnrestricted = unrestricted;
        _tenants = tenants;
    }

    /// <summary>The service acting on its own behalf: every tenant.</summary>
    public static Caller Service { get; } = new("service", unrestricted: true, new HashSet<HelpdeskAccountId>());

    /// <summary>For logs and rate-limit partitions: the key's configuration path, never the key.</summary>
    public string Name { get; }

    public bool IsUnrestricted { get; }

    public static Caller For(ApiKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new Caller(key.Name, key.Admin, key.HelpdeskAccountIds);
    }

    public bool CanActFor(HelpdeskAccountId tenant) => IsUnrestricted || _tenants.Contains(tenant);
}
