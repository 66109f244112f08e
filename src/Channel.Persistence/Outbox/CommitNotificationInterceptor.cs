using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Channel.Persistence.Outbox;

/// <summary>
/// Tells <see cref="ChannelDbContext"/> when a transaction it opened commits (run the post-commit notifications of
/// the saves inside it) or rolls back / a new one starts (forget them). Stateless: one instance for every context.
/// </summary>
internal sealed class CommitNotificationInterceptor : DbTransactionInterceptor
{
    public static CommitNotificationInterceptor Instance { get; } = new();

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
    {
        (eventData?.Context as ChannelDbContext)?.OnTransactionCommitted();
    }

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        (eventData?.Context as ChannelDbContext)?.OnTransactionCommitted();
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData)
    {
        (eventData?.Context as ChannelDbContext)?.DiscardPendingNotifications();
    }

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        (eventData?.Context as ChannelDbContext)?.DiscardPendingNotifications();
        return Task.CompletedTask;
    }

    public override DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        (eventData?.Context as ChannelDbContext)?.DiscardPendingNotifications();
        return result;
    }

    public override ValueTask<DbTransaction> TransactionStartedAsync(
        DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        (eventData?.Context as ChannelDbContext)?.DiscardPendingNotifications();
        return ValueTask.FromResult(result);
    }
}
