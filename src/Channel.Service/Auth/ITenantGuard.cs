using Channel.Domain.Accounts;

namespace Channel.Service.Auth;

/// <summary>
/// The tenant rules every use case applies for its caller (<see cref="CallerScope"/>). Another tenant's account does
/// not exist for the caller (NOT_FOUND, indistinguishable from a missing id); naming another tenant outright (create,
/// list) is PERMISSION_DENIED.
/// </summary>
internal interface ITenantGuard
{
    /// <summary>Whether the caller may act for <paramref name="tenant"/>.</summary>
    bool CanActFor(HelpdeskAccountId tenant);

    /// <summary>Throws <see cref="TenantAccessDeniedException"/> (PERMISSION_DENIED) unless the caller may act for <paramref name="tenant"/>.</summary>
    void EnsureCanActFor(HelpdeskAccountId tenant);

    /// <summary>Throws <see cref="AccountNotFoundException"/> unless <paramref name="account"/> belongs to one of the caller's tenants.</summary>
    void EnsureVisible(TelegramAccount account);

    /// <summary>
    /// Throws <see cref="AccountNotFoundException"/> unless the account exists and belongs to one of the caller's tenants.
    /// For checks before anything with side effects (locks, suspending the live connection) happens.
    /// </summary>
    Task EnsureVisibleAsync(TelegramAccountId accountId, CancellationToken cancellationToken);
}
