using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Channel.Persistence;

// Used by `dotnet ef` only: builds each provider's context without a host or a database.

internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteChannelDbContext>
{
    public SqliteChannelDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteChannelDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

internal sealed class SqlServerDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerChannelDbContext>
{
    public SqlServerChannelDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlServerChannelDbContext>()
            .UseSqlServer("Server=localhost;Database=Channel;Integrated Security=true;TrustServerCertificate=true")
            .Options);
}

internal sealed class PostgreSqlDesignTimeFactory : IDesignTimeDbContextFactory<PostgreSqlChannelDbContext>
{
    public PostgreSqlChannelDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgreSqlChannelDbContext>().UseNpgsql("Host=localhost;Database=channel").Options);
}
