using Channel.Persistence.Configuration;
using Channel.Tests.Infrastructure;

namespace Channel.Persistence.Tests.Outbox;

/// <summary>The outbox behaviours on a throwaway PostgreSQL cluster, a fresh database per test.</summary>
public sealed class PostgreSqlOutboxTests(PostgreSqlNode postgres) : OutboxBehaviours
{
    private protected override async Task<Dictionary<string, string?>> ProviderSettingsAsync(CancellationToken cancellationToken)
    {
        PostgreSqlNode.RequireInstalled();
        return new Dictionary<string, string?>
        {
            [PersistenceSettings.ProviderKey] = "PostgreSql",
            [PersistenceSettings.PostgreSqlConnectionStringKey] = await postgres.CreateDatabaseAsync(cancellationToken),
        };
    }
}
