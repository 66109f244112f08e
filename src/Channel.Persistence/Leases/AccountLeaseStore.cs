using Channel.Domain.Accounts;
using Microsoft.EntityFrameworkCore;

namespace Channel.Persistence.Leases;

/// <summary>
/// The account leases and replica heartbeats in the database: one owner per account across replicas. Every call is
/// one or two short statements; times come from the caller (the replicas' clocks must agree within a second or so,
/// far below the lease duration). Scoped, with the context.
/// </summary>
public sealed class AccountLeaseStore(ChannelDbContext db)
{
    private static readonly DateTimeOffset Released = DateTimeOffset.UnixEpoch;

    /// <summary>
    /// Takes the account's lease for <paramref name="owner"/> until <paramref name="expiresAt"/> if nobody holds it at
    /// <paramref name="now"/> (never leased, released or expired); a take-over increments the token. Returns the lease
    /// this owner already holds unchanged. Null when another replica holds it, or the account is gone.
    /// </summary>
    public async Task<Lease?> TryAcquireAsync(
        TelegramAccountId accountId, string owner, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(expiresAt, now);
        var taken = await db.AccountLeases
            .Where(l => l.AccountId == accountId && l.ExpiresAt <= now)
            .ExecuteUpdateAsync(
                s => s.SetProperty(l => l.Owner, owner).SetProperty(l => l.Token, l => l.Token + 1).SetProperty(l => l.ExpiresAt, expiresAt),
                cancellationToken);
        var current = await db.AccountLeases.AsNoTracking().Where(l => l.AccountId == accountId).SingleOrDefaultAsync(cancellationToken);
        if (current is not null)
        {
            return current.Owner == owner && current.ExpiresAt > now
                ? new Lease(accountId, owner, current.Token)
                : null;
        }

        if (taken > 0)
        {
            // Taken and deleted with its account in between.
            return null;
        }

        var entry = db.AccountLeases.Add(new AccountLease { AccountId = accountId, Owner = owner, Token = 1, ExpiresAt = expiresAt });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return new Lease(accountId, owner, 1);
        }
        catch (DbUpdateException exception)
        {
            // Another replica inserted the first lease first, or the account was deleted meanwhile (foreign key).
            if (db.IsUniqueConstraintViolation(exception) || !await db.Accounts.AnyAsync(a => a.Id == accountId, cancellationToken))
            {
                return null;
            }

            throw;
        }
        finally
        {
            entry.State = EntityState.Detached;
        }
    }

    /// <summary>
    /// Extends every lease <paramref name="owner"/> still holds at <paramref name="now"/> to <paramref name="expiresAt"/>,
    /// in one statement. Returns how many it extended; a lease that had expired is not revived.
    /// </summary>
    public Task<int> RenewAllAsync(string owner, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        return db.AccountLeases
            .Where(l => l.Owner == owner && l.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAt, expiresAt), cancellationToken);
    }

    /// <summary>The leases <paramref name="owner"/> holds at <paramref name="now"/>.</summary>
    public async Task<IReadOnlyList<Lease>> GetHeldAsync(string owner, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var rows = await db.AccountLeases.AsNoTracking()
            .Where(l => l.Owner == owner && l.ExpiresAt > now)
            .Select(l => new { l.AccountId, l.Token })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => new Lease(r.AccountId, owner, r.Token))];
    }

    /// <summary>Of <paramref name="candidates"/>, those nobody holds at <paramref name="now"/> (never leased, released or expired).</summary>
    public async Task<IReadOnlyList<TelegramAccountId>> GetFreeAsync(
        IReadOnlyCollection<TelegramAccountId> candidates, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        if (candidates.Count == 0)
        {
            return [];
        }

        var held = (await db.AccountLeases.AsNoTracking()
            .Where(l => l.ExpiresAt > now)
            .Select(l => l.AccountId)
            .ToListAsync(cancellationToken)).ToHashSet();
        return [.. candidates.Where(id => !held.Contains(id))];
    }

    /// <summary>
    /// The fence: inside the caller's transaction, locks the lease row if <paramref name="lease"/> is still held at
    /// <paramref name="now"/> (same owner, same token, not expired), so no take-over can commit before this transaction
    /// does. Throws <see cref="LeaseLostException"/> otherwise; the caller's transaction then writes nothing.
    /// </summary>
    public async Task FenceAsync(Lease lease, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        RequireTransaction();

        // A no-op UPDATE rather than a read: it takes the row's write lock on every provider (SELECT ... FOR UPDATE
        // would be PostgreSQL's only), which a take-over's UPDATE then waits for.
        var held = await db.AccountLeases
            .Where(l => l.AccountId == lease.AccountId && l.Owner == lease.Owner && l.Token == lease.Token && l.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Token, l => l.Token), cancellationToken);
        if (held != 1)
        {
            throw new LeaseLostException(lease);
        }
    }

    /// <summary>
    /// <see cref="FenceAsync"/> for several leases of one owner, in one statement per <see cref="FenceChunk"/> leases
    /// rather than one per lease: a group commit of many accounts' batches spent most of its statements fencing. Throws
    /// <see cref="LeaseLostException"/> for the first lease found lost.
    /// </summary>
    public async Task FenceAllAsync(IReadOnlyList<Lease> leases, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(leases);
        var distinct = leases.Distinct().ToList();
        if (distinct.Count == 1 || distinct.Select(l => l.Owner).Distinct(StringComparer.Ordinal).Skip(1).Any())
        {
            foreach (var lease in distinct)
            {
                await FenceAsync(lease, now, cancellationToken);
            }

            return;
        }

        RequireTransaction();

        foreach (var chunk in distinct.Chunk(FenceChunk))
        {
            // One query shape for every chunk (unused slots repeat the first lease), so EF compiles it once.
            var owner = chunk[0].Owner;
            var (a0, t0) = Slot(chunk, 0);
            var (a1, t1) = Slot(chunk, 1);
            var (a2, t2) = Slot(chunk, 2);
            var (a3, t3) = Slot(chunk, 3);
            var (a4, t4) = Slot(chunk, 4);
            var (a5, t5) = Slot(chunk, 5);
            var (a6, t6) = Slot(chunk, 6);
            var (a7, t7) = Slot(chunk, 7);
            var held = await db.AccountLeases
                .Where(l => l.Owner == owner && l.ExpiresAt > now
                    && ((l.AccountId == a0 && l.Token == t0) || (l.AccountId == a1 && l.Token == t1) || (l.AccountId == a2 && l.Token == t2)
                        || (l.AccountId == a3 && l.Token == t3) || (l.AccountId == a4 && l.Token == t4) || (l.AccountId == a5 && l.Token == t5)
                        || (l.AccountId == a6 && l.Token == t6) || (l.AccountId == a7 && l.Token == t7)))
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.Token, l => l.Token), cancellationToken);
            if (held != chunk.Length)
            {
                // Which one: the single fences throw for it (the rows locked so far stay locked until the rollback).
                foreach (var lease in chunk)
                {
                    await FenceAsync(lease, now, cancellationToken);
                }
            }
        }
    }

    private void RequireTransaction()
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("A fenced write needs a transaction: run it inside InTransactionAsync.");
        }
    }

    /// <summary>Leases fenced by one statement of <see cref="FenceAllAsync"/>.</summary>
    public const int FenceChunk = 8;

    private static (TelegramAccountId AccountId, long Token) Slot(Lease[] chunk, int index)
    {
        var lease = chunk[index < chunk.Length ? index : 0];
        return (lease.AccountId, lease.Token);
    }

    /// <summary>Gives the lease up at once (its expiry goes to the past), if this owner still holds it with this token.</summary>
    public Task<int> ReleaseAsync(Lease lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return db.AccountLeases
            .Where(l => l.AccountId == lease.AccountId && l.Owner == lease.Owner && l.Token == lease.Token)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAt, Released), cancellationToken);
    }

    /// <summary>Gives up every lease of <paramref name="owner"/> (graceful shutdown), in one statement.</summary>
    public Task<int> ReleaseAllAsync(string owner, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        return db.AccountLeases
            .Where(l => l.Owner == owner && l.ExpiresAt > Released)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAt, Released), cancellationToken);
    }

    /// <summary>Records that <paramref name="instanceId"/> is alive at <paramref name="now"/>.</summary>
    public async Task BeatAsync(string instanceId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        var updated = await db.ReplicaHeartbeats
            .Where(h => h.InstanceId == instanceId)
            .ExecuteUpdateAsync(s => s.SetProperty(h => h.LastSeenAt, now), cancellationToken);
        if (updated == 1)
        {
            return;
        }

        var entry = db.ReplicaHeartbeats.Add(new ReplicaHeartbeat { InstanceId = instanceId, LastSeenAt = now });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (db.IsUniqueConstraintViolation(exception))
        {
            // Inserted by an earlier attempt of ours that reported failure: it is there, which is all we want.
        }
        finally
        {
            entry.State = EntityState.Detached;
        }
    }

    /// <summary>How many replicas were seen after <paramref name="since"/>; long-dead ones (before <paramref name="forgetBefore"/>) are deleted.</summary>
    public async Task<int> CountLiveReplicasAsync(DateTimeOffset since, DateTimeOffset forgetBefore, CancellationToken cancellationToken)
    {
        await db.ReplicaHeartbeats.Where(h => h.LastSeenAt < forgetBefore).ExecuteDeleteAsync(cancellationToken);
        return await db.ReplicaHeartbeats.CountAsync(h => h.LastSeenAt > since, cancellationToken);
    }

    /// <summary>Forgets the replica (graceful shutdown): the others count one replica fewer at once.</summary>
    public Task<int> RemoveReplicaAsync(string instanceId, CancellationToken cancellationToken) =>
        db.ReplicaHeartbeats.Where(h => h.InstanceId == instanceId).ExecuteDeleteAsync(cancellationToken);

    /// <summary>
    /// Takes or renews the named job lease (<see cref="ServiceLease"/>) for <paramref name="owner"/> until
    /// <paramref name="expiresAt"/>; true while this owner holds it. A take-over from another owner increments the token.
    /// </summary>
    public async Task<bool> TryHoldServiceLeaseAsync(
        string name, string owner, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var held = await db.ServiceLeases
            .Where(l => l.Name == name && (l.Owner == owner || l.ExpiresAt <= now))
            .ExecuteUpdateAsync(
                s => s.SetProperty(l => l.Token, l => l.Owner == owner ? l.Token : l.Token + 1)
                    .SetProperty(l => l.Owner, owner)
                    .SetProperty(l => l.ExpiresAt, expiresAt),
                cancellationToken);
        if (held == 1)
        {
            return true;
        }

        if (await db.ServiceLeases.AnyAsync(l => l.Name == name, cancellationToken))
        {
            return false;
        }

        var entry = db.ServiceLeases.Add(new ServiceLease { Name = name, Owner = owner, Token = 1, ExpiresAt = expiresAt });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException exception) when (db.IsUniqueConstraintViolation(exception))
        {
            return false;
        }
        finally
        {
            entry.State = EntityState.Detached;
        }
    }

    /// <summary>Gives the named job lease up at once if <paramref name="owner"/> holds it (graceful shutdown).</summary>
    public Task<int> ReleaseServiceLeaseAsync(string name, string owner, CancellationToken cancellationToken) =>
        db.ServiceLeases
            .Where(l => l.Name == name && l.Owner == owner)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAt, Released), cancellationToken);
}
