using Microsoft.EntityFrameworkCore;

namespace Channel.Persistence;

/// <summary>
/// The one way to run several reads and saves as one transaction on both providers. SQL Server is configured with a
/// retrying execution strategy (transient faults), and such a strategy refuses a transaction the caller opened
/// itself; these helpers open it inside the strategy, so a transient failure re-runs the whole unit.
/// </summary>
public static class ChannelDbContextTransactions
{
    /// <summary>
    /// Runs <paramref name="work"/> in a transaction and commits it. On SQL Server a transient failure rolls back
    /// and runs <paramref name="work"/> again from the start: on a retry the change tracker is cleared first, so the
    /// work must load (or attach) what it changes itself, and must not have side effects outside the database
    /// before the commit. Outbox rows and status changes notify the dispatcher and listeners only after the commit.
    /// </summary>
    public static Task InTransactionAsync(this ChannelDbContext db, Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        return db.InTransactionAsync(
            async ct =>
            {
                await work(ct);
                return true;
            },
            cancellationToken);
    }

    /// <inheritdoc cref="InTransactionAsync(ChannelDbContext, Func{CancellationToken, Task}, CancellationToken)"/>
    public static Task<T> InTransactionAsync<T>(this ChannelDbContext db, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(work);
        if (db.Database.CurrentTransaction is not null)
        {
            throw new InvalidOperationException("A transaction is already open on this context; run the work inside it instead.");
        }

        var attempt = 0;
        return db.Database.CreateExecutionStrategy().ExecuteAsync(
            (db, work),
            async (_, state, ct) =>
            {
                if (attempt++ > 0)
                {
                    // What the failed attempt saved is rolled back; its tracked entities would be stale.
                    state.db.ChangeTracker.Clear();
                }

                // SQLite: queue for the single write lock here rather than sleep on SQLITE_BUSY (SqliteWriteGate).
                using var hold = await state.db.HoldWriteGateAsync(ct);
                await using var transaction = await state.db.Database.BeginTransactionAsync(ct);
                var result = await state.work(ct);
                await transaction.CommitAsync(ct);
                return result;
            },
            verifySucceeded: null,
            cancellationToken);
    }
}
