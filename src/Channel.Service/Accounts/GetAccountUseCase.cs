using Channel.Domain.Accounts;
using Channel.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Channel.Service.Accounts;

public sealed class GetAccountUseCase(ChannelDbContext db)
{
    public async Task<TelegramAccount> ExecuteAsync(string accountId, CancellationToken cancellationToken)
    {
        var id = AccountIds.Parse(accountId);
        return await db.Accounts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, cancellationToken)
            ?? throw new AccountNotFoundException(id);
    }
}
