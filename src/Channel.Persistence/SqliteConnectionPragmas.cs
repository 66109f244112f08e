using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Channel.Persistence;

/// <summary>
/// <c>synchronous=NORMAL</c> and the commits' fallback checkpoint size (<see cref="SqliteCheckpointer.FallbackPages"/>) on every SQLite connection (it is per connection, unlike WAL mode, which is per file).
/// In WAL mode a commit then survives a process crash but is not fsynced: only an OS crash or a power cut can lose the
/// last commits. That is safe for us: the update state is lost with the events of the same transaction, so Telegram's
/// difference brings those messages again, with the same EventIds. It spares one fsync per commit, which otherwise
/// caps a disk at a few hundred to a thousand stored batches a second.
/// </summary>
internal sealed class SqliteConnectionPragmas : DbConnectionInterceptor
{
    // The WAL is checkpointed in the background (SqliteCheckpointer); a commit does it only past the fallback size.
    private static readonly string Pragmas = string.Create(
        System.Globalization.CultureInfo.InvariantCulture, $"PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint={SqliteCheckpointer.FallbackPages};");

    public static SqliteConnectionPragmas Instance { get; } = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
