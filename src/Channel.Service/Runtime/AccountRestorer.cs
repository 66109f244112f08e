using Channel.Domain.Accounts;
using Channel.MTProto.UpdateHandling;
using Channel.Persistence;
using Channel.Persistence.Secrets;
using Microsoft.EntityFrameworkCore;

namespace Channel.Service.Runtime;

/// <summary>Reads what a connection needs from the database: the Active account, its secrets, update state and peers.</summary>
internal sealed partial class AccountRestorer(ChannelDbContext db, AccountSecretStore secrets, ILogger<AccountRestorer> logger)
{
    /// <returns>Null when the account is gone, no longer Active, or has no session to restore.</returns>
    public async Task<RestoredAccount?> RestoreAsync(TelegramAccountId id, CancellationToken cancellationToken)
    {
        var account = await db.Accounts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (account is not { Status: AccountStatus.Active })
        {
            return null;
        }

        byte[]? session;
        string apiHash;
        try
        {
            session = await secrets.LoadSessionAsync(id, cancellationToken);
            apiHash = await secrets.GetApiHashAsync(id, cancellationToken);
        }
        catch (AccountNotFoundException)
        {
            return null;
        }

        if (session is null)
        {
            LogNoSession(logger, id);
            return null;
        }

        var stateRow = await db.AccountUpdateStates.AsNoTracking().Where(s => s.AccountId == id).Select(s => s.State).SingleOrDefaultAsync(cancellationToken);
        var storedPeers = await db.AccountPeerCaches.AsNoTracking().Where(p => p.AccountId == id).Select(p => p.Data).SingleOrDefaultAsync(cancellationToken);

        // A cache that cannot be decrypted (written before it was encrypted) is rebuilt from what the account meets.
        var peers = storedPeers is null ? null : secrets.UnprotectPeerCache(id, storedPeers);
        return new RestoredAccount(id, account.HelpdeskAccountId.Value, account.ApiId, apiHash, session, peers, ReadState(id, stateRow));
    }

    private UpdateState? ReadState(TelegramAccountId id, byte[]? bytes)
    {
        if (bytes is not { Length: > 0 })
        {
            return null;
        }

        try
        {
            return UpdateState.Deserialize(bytes);
        }
        catch (FormatException)
        {
            // Starting from the server's current state would skip what was missed: say so loudly.
            LogUnreadableState(logger, id);
            return null;
        }
    }

    [LoggerMessage(EventId = 5030, Level = LogLevel.Warning, Message = "Account {AccountId} is Active but has no stored session; it is not connected until it logs in again.")]
    private static partial void LogNoSession(ILogger logger, TelegramAccountId accountId);

    [LoggerMessage(EventId = 5031, Level = LogLevel.Error, Message = "The stored update state of account {AccountId} cannot be read; updates restart from Telegram's current state and earlier ones may be missed.")]
    private static partial void LogUnreadableState(ILogger logger, TelegramAccountId accountId);
}
