using Channel.Persistence.Outbox;
using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;

namespace Channel.Persistence;

/// <summary>The production provider: Microsoft SQL Server. Migrations in Migrations/SqlServer.</summary>
public sealed class SqlServerChannelDbContext(DbContextOptions<SqlServerChannelDbContext> options, ChannelSaveNotifications? notifications = null)
    : ChannelDbContext(options, notifications)
{
    private const int DuplicateKeyInUniqueIndex = 2601;
    private const int UniqueConstraintViolation = 2627;

    public override bool IsUniqueConstraintViolation(DbUpdateException exception) =>
        exception?.InnerException is SqlException { Number: DuplicateKeyInUniqueIndex or UniqueConstraintViolation };
}
