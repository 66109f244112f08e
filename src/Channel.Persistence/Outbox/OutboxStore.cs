using Microsoft.EntityFrameworkCore;

namespace Channel.Persistence.Outbox;

/// <summary>
/// The dispatcher's side of the outbox: read unsent rows in Id order, mark them sent after the broker confirmed,
/// record failures, prune. Every call is one short statement (no lock is held while publishing). Meant for exactly
/// one dispatcher per database (no leases yet). Scoped.
/// </summary>
public sealed class OutboxStore(ChannelDbContext db)
{
    /// <summary>Up to <paramref name="max"/> unsent rows available at <paramref name="now"/>, in Id order, untracked.</summary>
    public Task<IReadOnlyList<OutboxMessage>> GetUnsentAsync(int max, DateTimeOffset now, CancellationToken cancellationToken) =>
        GetUnsentAsync(max, now, [], skipRowsWithoutAccount: false, cancellationToken);

    /// <summary>
    /// As <see cref="GetUnsentAsync(int, DateTimeOffset, CancellationToken)"/>, without the rows of
    /// <paramref name="skipAccounts"/> (and, with <paramref name="skipRowsWithoutAccount"/>, of no account): the
    /// dispatcher's read while those accounts' earlier rows are still being published.
    /// </summary>
    public async Task<IReadOnlyList<OutboxMessage>> GetUnsentAsync(
        int max, DateTimeOffset now, IReadOnlyCollection<Guid> skipAccounts, bool skipRowsWithoutAccount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        ArgumentNullException.ThrowIfNull(skipAccounts);
        var query = db.OutboxMessages.AsNoTracking().Where(m => m.SentAt == null && m.AvailableAt <= now);
        if (skipAccounts.Count > 0)
        {
            var skipped = skipAccounts.ToList();
            query = query.Where(m => m.AccountId == null || !skipped.Contains(m.AccountId.Value));
        }

        if (skipRowsWithoutAccount)
        {
            query = query.Where(m => m.AccountId != null);
        }

        return await query.OrderBy(m => m.Id).Take(max).ToListAsync(cancellationToken);
    }

    /// <summary>Marks the rows published (after the broker confirmed them).</summary>
    public async Task MarkSentAsync(IReadOnlyCollection<long> ids, DateTimeOffset sentAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return;
        }

        await db.OutboxMessages
            .Where(m => ids.Contains(m.Id) && m.SentAt == null)
            .ExecuteUpdateAsync(setters => setters.SetProperty(m => m.SentAt, sentAt), cancellationToken);
    }

    /// <summary>Counts a failed attempt and keeps its error; <paramref name="parkUntil"/> also holds the row back (a row that can never be published).</summary>
    public async Task RecordFailureAsync(long id, string error, DateTimeOffset? parkUntil, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(error);
        var text = error.Length > OutboxMessageConfiguration.MaxErrorLength ? error[..OutboxMessageConfiguration.MaxErrorLength] : error;
        if (parkUntil is { } until)
        {
            await db.OutboxMessages.Where(m => m.Id == id).ExecuteUpdateAsync(
                setters => setters.SetProperty(m => m.Attempts, m => m.Attempts + 1).SetProperty(m => m.LastError, text).SetProperty(m => m.AvailableAt, until),
                cancellationToken);
            return;
        }

        await db.OutboxMessages.Where(m => m.Id == id).ExecuteUpdateAsync(
            setters => setters.SetProperty(m => m.Attempts, m => m.Attempts + 1).SetProperty(m => m.LastError, text),
            cancellationToken);
    }

    /// <summary>Deletes rows sent before <paramref name="sentBefore"/>; returns how many.</summary>
    public Task<int> PruneAsync(DateTimeOffset sentBefore, CancellationToken cancellationToken) =>
        db.OutboxMessages.Where(m => m.SentAt != null && m.SentAt < sentBefore).ExecuteDeleteAsync(cancellationToken);

    /// <summary>Unsent rows (parked ones included) and the oldest one's creation time.</summary>
    public async Task<OutboxBacklog> GetBacklogAsync(CancellationToken cancellationToken)
    {
        var unsent = db.OutboxMessages.Where(m => m.SentAt == null);
        var count = await unsent.LongCountAsync(cancellationToken);
        if (count == 0)
        {
            return new OutboxBacklog(0, null);
        }

        var oldest = await unsent.OrderBy(m => m.Id).Select(m => (DateTimeOffset?)m.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        return new OutboxBacklog(count, oldest);
    }
}
