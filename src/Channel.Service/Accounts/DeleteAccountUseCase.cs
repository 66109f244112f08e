using Channel.Domain.Accounts;
using Channel.Persistence;
using Channel.Service.Auth;
using Channel.Service.Onboarding;
using Channel.Service.Runtime;
using Channel.Service.Telegram;
using Microsoft.EntityFrameworkCore;

namespace Channel.Service.Accounts;

/// <summary>
/// Deletes the account row; its encrypted api_hash and session go with it (cascade). An Active account is logged out
/// of Telegram first, on a best-effort basis (<see cref="LoginStepRunner.TryLogOutAsync"/>).
/// </summary>
internal sealed partial class DeleteAccountUseCase(
    ChannelDbContext db, LoginStepRunner logOut, AccountLoginLocks locks, IAccountRuntime runtime, ITenantGuard tenants, TimeProvider time, ILogger<DeleteAccountUseCase> logger)
{
    public async Task ExecuteAsync(string accountId, CancellationToken cancellationToken)
    {
        var id = AccountIds.Parse(accountId);
        await tenants.EnsureVisibleAsync(id, cancellationToken);

        // Waits for a login step or session check in progress, which would otherwise save into a deleted account.
        using var lease = await locks.AcquireAsync(id, cancellationToken);

        // The live connection stops first: it must not log out under our feet nor save into a deleted row.
        await using var suspension = await runtime.SuspendAsync(id, cancellationToken);
        var account = await db.Accounts.SingleOrDefaultAsync(a => a.Id == id, cancellationToken)
            ?? throw new AccountNotFoundException(id);
        tenants.EnsureVisible(account);
        await logOut.TryLogOutAsync(account, cancellationToken);
        account.MarkDeleted(time);
        db.Accounts.Remove(account);
        await db.SaveChangesAsync(cancellationToken);
        LogDeleted(logger, id, account.HelpdeskAccountId.Value);
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Deleted Telegram account {AccountId} of helpdesk account {HelpdeskAccountId} and its secrets.")]
    private static partial void LogDeleted(ILogger logger, TelegramAccountId accountId, long helpdeskAccountId);
}
