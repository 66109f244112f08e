using Channel.Domain.Accounts;

namespace Channel.Service.Auth;

/// <summary>The caller's API key may not act for the helpdesk account it named; PERMISSION_DENIED.</summary>
internal sealed class TenantAccessDeniedException(HelpdeskAccountId tenant)
    : Exception($"The API key may not act for helpdesk account {tenant}.")
{
    public const string Reason = "TENANT_NOT_ALLOWED";

    public HelpdeskAccountId Tenant { get; } = tenant;
}
