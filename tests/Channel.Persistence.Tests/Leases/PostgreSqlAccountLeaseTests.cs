using Channel.Persistence.Configuration;
using Channel.Tests.Infrastructure;

namespace Channel.Persistence.Tests.Leases;

/// <summary>The lease behaviours on a throwaway PostgreSQL cluster, a fresh database per test.</summary>
public sealed class PostgreSqlAccountLeaseTests(PostgreSqlNode postgres) : AccountLeaseBehaviours, IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    private protected override async Task<PersistenceHarness> StartAsync(CancellationToken cancellationToken)
    {
        PostgreSqlNode.RequireInstalled();
        return await PersistenceHarness.StartAsync(
            _root.Path,
            new Dictionary<string, string?>
            {
                [PersistenceSettings.ProviderKey] = "PostgreSql",
                [PersistenceSettings.PostgreSqlConnectionStringKey] = await postgres.CreateDatabaseAsync(cancellationToken),
                [PersistenceSettings.DataDirectoryKey] = "data",
            },
            cancellationToken);
    }
}
