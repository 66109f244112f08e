using System.Text.Json;
using Channel.Domain.Accounts;

namespace Channel.Persistence.Outbox;

/// <summary>
/// Stages an event in the caller's <see cref="ChannelDbContext"/>: the row is inserted by the caller's next
/// SaveChanges, so it commits or rolls back with the state change it reports (call it inside
/// <see cref="ChannelDbContextTransactions.InTransactionAsync"/> when several saves form one unit). After the commit
/// the dispatcher is woken through <see cref="OutboxSignal"/>. Singleton; thread-safe.
/// </summary>
public sealed class OutboxWriter(TimeProvider time)
{
    /// <summary>
    /// Adds <paramref name="message"/> (one of <see cref="OutboxMessageTypes.All"/>) to be published with the bus
    /// MessageId <paramref name="messageId"/>, which must be the contract's EventId. A second row with the same
    /// MessageId makes SaveChanges fail with a unique-constraint violation (see
    /// <see cref="ChannelDbContext.IsUniqueConstraintViolation"/>): that is how a replayed update is recognised.
    /// </summary>
    public OutboxMessage Add<T>(ChannelDbContext db, Guid messageId, TelegramAccountId? accountId, T message)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(db);
        var row = Create(messageId, accountId, message);
        db.OutboxMessages.Add(row);
        return row;
    }

    /// <summary>
    /// Writes <paramref name="rows"/> (made by <see cref="Create"/>) now, in the caller's open transaction, in list
    /// order, which is the order they are published in. Meant for many rows at once (the inbound pipeline): on SQLite
    /// they skip the change tracker (<see cref="SqliteOutboxInserter"/>); SQL Server and PostgreSQL batch them in
    /// SaveChanges. The dispatcher is woken after the commit, as for <see cref="Add"/>.
    /// </summary>
    public async Task InsertAsync(ChannelDbContext db, IReadOnlyList<OutboxMessage> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            return;
        }

        if (db is SqliteChannelDbContext)
        {
            await SqliteOutboxInserter.InsertAsync(db, rows, cancellationToken);
            db.OutboxRowsWritten();
            return;
        }

        db.OutboxMessages.AddRange(rows);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>A row for <paramref name="message"/> (see <see cref="Add"/>), not yet staged anywhere.</summary>
    public OutboxMessage Create<T>(Guid messageId, TelegramAccountId? accountId, T message)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(message);
        if (messageId == Guid.Empty)
        {
            throw new ArgumentException("The message id must not be empty.", nameof(messageId));
        }

        var now = time.GetUtcNow();
        return new OutboxMessage
        {
            MessageId = messageId,
            AccountId = accountId?.Value,
            MessageType = OutboxMessageTypes.NameOf(typeof(T)),
            Body = JsonSerializer.Serialize(message, OutboxMessageTypes.JsonOptions),
            CreatedAt = now,
            AvailableAt = now,
        };
    }
}
