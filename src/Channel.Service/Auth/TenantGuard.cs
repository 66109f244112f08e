using Channel.Domain.Accounts;
using Channel.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Channel.Service.Auth;

internal sealed class TenantGuard(CallerScope scope, ChannelDbContext db) : ITenantGuard
{
    public bool CanActFor(HelpdeskAccountId tenant) => scope.Caller.CanActFor(tenant);

    public void EnsureCanActFor(HelpdeskAccountId tenant)
    {
        if (!CanActFor(tenant))
        {
            throw new TenantAccessDeniedException(tenant);
        }
    }

    public void EnsureVisible(TelegramAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (!CanActFor(account.HelpdeskAccountId))
        {
            throw new AccountNotFoundException(account.Id);
        }
    }

    public async Task EnsureVisibleAsync(TelegramAccountId accountId, CancellationToken cancellationToken)
    {
        if (scope.Caller.IsUnrestricted)
        {
            // Missing accounts are still reported by the use case when it loads the row.
            return;
        }

        var tenants = await db.Accounts.AsNoTracking().Where(a => a.Id == accountId).Select(a => a.HelpdeskAccountId).ToListAsync(cancellationToken);
        if (tenants.Count == 0 || !CanActFor(tenants[0]))
        {
            throw new AccountNotFoundException(accountId);
        }
    }
}
