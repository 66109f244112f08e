using Channel.Domain.Accounts;
using Channel.Persistence;
using Channel.Service.Auth;
using Channel.Service.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Channel.Service.Accounts;

internal sealed class GetAccountUseCase(ChannelDbContext db, IAccountRuntime runtime, ITenantGuard tenants)
{
    public async Task<AccountWithConnection> ExecuteAsync(string accountId, CancellationToken cancellationToken)
    {
        var id = AccountIds.Parse(accountId);
        var account = await db.Accounts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, cancellationToken)
            ?? throw new AccountNotFoundException(id);
        tenants.EnsureVisible(account);
        return new AccountWithConnection(account, runtime.GetStatus(id));
    }
}
