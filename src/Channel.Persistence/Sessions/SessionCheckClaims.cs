using Channel.Domain.Accounts;
using Microsoft.EntityFrameworkCore;

namespace Channel.Persistence.Sessions;

/// <summary>
/// Lets one replica at a time check an account's session. Telegram kills an authorised key that is used from two
/// places at once (AUTH_KEY_DUPLICATED), so replicas must not all probe the same account when their timers fire
/// together. A claim moves the account's next-check time forward in one conditional UPDATE (or inserts the first
/// one); the database lets exactly one claimant win until that time comes round again.
/// </summary>
public sealed class SessionCheckClaims(ChannelDbContext db)
{
    /// <summary>
    /// Claims the check of <paramref name="accountId"/> if it is due at <paramref name="now"/>, making the next one
    /// due at <paramref name="nextCheckAt"/>. False when another claimant holds it, or the account is gone.
    /// </summary>
    public async Task<bool> TryClaimAsync(TelegramAccountId accountId, DateTimeOffset now, DateTimeOffset nextCheckAt, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(nextCheckAt, now);
        var moved = await db.SessionChecks
            .Where(s => s.AccountId == accountId && s.NextCheckAt <= now)
            .ExecuteUpdateAsync(s => s.SetProperty(slot => slot.NextCheckAt, nextCheckAt), cancellationToken);
        if (moved == 1)
        {
            return true;
        }

        if (await db.SessionChecks.AnyAsync(s => s.AccountId == accountId, cancellationToken))
        {
            return false;
        }

        var entry = db.SessionChecks.Add(new SessionCheckSlot { AccountId = accountId, NextCheckAt = nextCheckAt });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException exception)
        {
            // Another claimant inserted the first slot first, or the account was deleted meanwhile (foreign key).
            if (db.IsUniqueConstraintViolation(exception) || !await db.Accounts.AnyAsync(a => a.Id == accountId, cancellationToken))
            {
                return false;
            }

            throw;
        }
        finally
        {
            entry.State = EntityState.Detached;
        }
    }
}
