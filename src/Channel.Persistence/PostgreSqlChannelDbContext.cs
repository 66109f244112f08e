using Channel.Persistence.Outbox;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Channel.Persistence;

/// <summary>The other production provider: PostgreSQL through Npgsql. Migrations in Migrations/PostgreSql.</summary>
public sealed class PostgreSqlChannelDbContext(DbContextOptions<PostgreSqlChannelDbContext> options, ChannelSaveNotifications? notifications = null)
    : ChannelDbContext(options, notifications)
{
    public override bool IsUniqueConstraintViolation(DbUpdateException exception) =>
        exception?.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);

        // PostgreSQL quotes identifiers with double quotes; the shared configuration's brackets are SQL Server's and SQLite's.
        modelBuilder.Entity<OutboxMessage>().HasIndex(m => m.Id).HasFilter("\"SentAt\" IS NULL");
    }
}
