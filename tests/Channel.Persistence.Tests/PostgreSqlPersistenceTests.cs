using Channel.Persistence.Configuration;
using Channel.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Channel.Persistence.Tests;

/// <summary>
/// The shared behaviours on a throwaway PostgreSQL cluster (Debian's postgresql, started by the assembly fixture),
/// a fresh database per test. Missing PostgreSQL fails under CI=true and is skipped elsewhere.
/// </summary>
public sealed class PostgreSqlPersistenceTests(PostgreSqlNode postgres) : AccountPersistenceBehaviours, IDisposable
{
    private readonly TempDirectory _root = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task Start_PostgreSqlConfigured_UsesThePostgreSqlContextWithRetries()
    {
        await using var harness = await StartAsync(Ct);
        await using var scope = harness.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();

        Assert.IsType<PostgreSqlChannelDbContext>(db);
        Assert.True(db.Database.CreateExecutionStrategy().RetriesOnFailure);
    }

    private protected override DateTimeOffset AsStored(DateTimeOffset instant) =>
        new(instant.UtcTicks - (instant.UtcTicks % 10), TimeSpan.Zero);

    private protected override async Task<PersistenceHarness> StartAsync(CancellationToken cancellationToken)
    {
        PostgreSqlNode.RequireInstalled();
        var connectionString = await postgres.CreateDatabaseAsync(cancellationToken);
        return await PersistenceHarness.StartAsync(
            _root.Path,
            new Dictionary<string, string?>
            {
                [PersistenceSettings.ProviderKey] = "PostgreSql",
                [PersistenceSettings.PostgreSqlConnectionStringKey] = connectionString,
                [PersistenceSettings.DataDirectoryKey] = "data",
            },
            cancellationToken);
    }
}
