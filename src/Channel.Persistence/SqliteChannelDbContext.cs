using Channel.Persistence.Outbox;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Channel.Persistence;

/// <summary>The embedded default: a SQLite file under the data directory. Migrations in Migrations/Sqlite.</summary>
public sealed class SqliteChannelDbContext(
    DbContextOptions<SqliteChannelDbContext> options, ChannelSaveNotifications? notifications = null, SqliteWriteGate? writeGate = null)
    : ChannelDbContext(options, notifications)
{
    private const int SqliteConstraint = 19;
    private const int SqliteConstraintUnique = 2067;
    private const int SqliteConstraintPrimaryKey = 1555;

    private protected override SqliteWriteGate? WriteGate => writeGate;

    public override bool IsUniqueConstraintViolation(DbUpdateException exception) =>
        exception?.InnerException is SqliteException
        {
            SqliteErrorCode: SqliteConstraint, SqliteExtendedErrorCode: SqliteConstraintUnique or SqliteConstraintPrimaryKey,
        };

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);

        // SQLite cannot compare or order DateTimeOffset stored as text; as UTC ticks it can (keyset paging), at full
        // precision. We only ever store UTC instants, so the offset carries nothing.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
    }

    private sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
        value => value.UtcTicks, ticks => new DateTimeOffset(ticks, TimeSpan.Zero));
}
