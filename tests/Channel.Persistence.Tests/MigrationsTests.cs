using Microsoft.EntityFrameworkCore;

namespace Channel.Persistence.Tests;

/// <summary>
/// Runs everywhere, Docker or not: each provider's migration set matches the model, so a model change without a
/// migration for every provider fails here (the SQL Server behaviours themselves need Docker).
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

    [Fact]
    public void PostgreSql_Model_HasNoChangesWithoutAMigration()
    {
        using var db = new PostgreSqlDesignTimeFactory().CreateDbContext([]);

        Assert.False(db.Database.HasPendingModelChanges());
    }

    [Fact]
    public void EveryProvider_HasTheSameMigrationNames()
    {
        using var sqlite = new SqliteDesignTimeFactory().CreateDbContext([]);
        using var postgres = new PostgreSqlDesignTimeFactory().CreateDbContext([]);
        using var sqlServer = new SqlServerDesignTimeFactory().CreateDbContext([]);

        // PostgreSQL came later: its InitialCreate holds what the others reached in several steps; from then on, one each.
        static string Name(string id) => id[(id.IndexOf('_', StringComparison.Ordinal) + 1)..];
        var postgresNames = postgres.Database.GetMigrations().Select(Name).ToList();
        Assert.Equal("InitialCreate", postgresNames[0]);
        Assert.Equal(postgresNames.Skip(1), sqlite.Database.GetMigrations().Select(Name).TakeLast(postgresNames.Count - 1));
        Assert.Equal(postgresNames.Skip(1), sqlServer.Database.GetMigrations().Select(Name).TakeLast(postgresNames.Count - 1));
    }
}
