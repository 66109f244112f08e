using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Channel.Persistence.Outbox;

/// <summary>
/// Writes outbox rows on SQLite in the caller's transaction, bypassing the change tracker: one prepared single-row
/// INSERT run once per row, in list order, so the Ids (the dispatch order) follow the list. With EF's SaveChanges,
/// change tracking and command building were a third of the service's CPU under an inbound stream; a multi-row
/// VALUES list is no better on SQLite, which re-parses it for every size and binds its parameters by name in a linear
/// search. Columns, names and value conversions come from the EF model, so a row is exactly what SaveChanges writes.
/// </summary>
internal static class SqliteOutboxInserter
{
    public static async Task InsertAsync(ChannelDbContext db, IReadOnlyList<OutboxMessage> rows, CancellationToken cancellationToken)
    {
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Outbox rows are inserted inside the caller's transaction (InTransactionAsync).");
        var entity = db.Model.FindEntityType(typeof(OutboxMessage))!;
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var columns = entity.GetProperties().Where(p => p.ValueGenerated == ValueGenerated.Never).ToList();
        var mappings = columns.Select(c => c.GetRelationalTypeMapping()).ToList();
        var getters = columns.Select(c => c.GetGetter()).ToList();
        var names = columns.Select((_, i) => string.Create(CultureInfo.InvariantCulture, $"@p{i}")).ToList();
        var sql = db.GetService<ISqlGenerationHelper>();

        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandTimeout = db.Database.GetCommandTimeout() ?? command.CommandTimeout;
        command.CommandText =
            $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", columns.Select(c => sql.DelimitIdentifier(c.GetColumnName(table)!)))}) " +
            $"VALUES ({string.Join(", ", names)})";
        foreach (var row in rows)
        {
            // Fresh parameters per row: the mapping converts the value (ticks for instants, text for Guids) as it creates one.
            command.Parameters.Clear();
            for (var c = 0; c < columns.Count; c++)
            {
                command.Parameters.Add(mappings[c].CreateParameter(command, names[c], getters[c].GetClrValue(row), columns[c].IsNullable));
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
