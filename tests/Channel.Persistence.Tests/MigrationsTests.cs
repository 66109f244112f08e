using Microsoft.EntityFrameworkCore;

namespace Channel.Persistence.Tests;

/// <summary>
/// Runs everywhere, Docker or not: each provider's migration set matches the model, so a model change without a
/// migration for both SQLite and SQL Server fails here (the SQL Server behaviours themselves need Docker).
/// </summary>
public sealed class MigrationsTests
{
    [Fact]
    public void Sqlite_Model_HasNoChangesWithoutAMigration()
    {
        using var db = new SqliteDesignTimeFactory().CreateDbContext([]);

        Assert.False(db.Database.HasPendingModelChanges());
    }

    [Fact]
    public void SqlServer_Model_HasNoChangesWithoutAMigration()
    {
        using var db = new SqlServerDesignTimeFactory().CreateDbContext([]);

        Assert.False(db.Database.HasPendingModelChanges());
    }
}
