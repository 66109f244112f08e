using Channel.Persistence.Configuration;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;
using Testcontainers.MsSql;

namespace Channel.Persistence.Tests;

/// <summary>
/// The shared behaviours on SQL Server in a container. Where no Docker engine is reachable every test is reported
/// skipped with the reason (never a silent pass). Each test gets its own database on the shared server.
/// </summary>
public sealed class SqlServerPersistenceTests(SqlServerFixture server) : AccountPersistenceBehaviours, IClassFixture<SqlServerFixture>, IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    private protected override async Task<PersistenceHarness> StartAsync(CancellationToken cancellationToken)
    {
        var connectionString = await server.CreateDatabaseConnectionStringAsync(cancellationToken);
        return await PersistenceHarness.StartAsync(
            _root.Path,
            new Dictionary<string, string?>
            {
                [PersistenceSettings.ProviderKey] = "SqlServer",
                [PersistenceSettings.ConnectionStringKey] = connectionString,
                [PersistenceSettings.DataDirectoryKey] = "data",
            },
            cancellationToken);
    }
}

/// <summary>Starts one SQL Server container for the class, or records why it cannot.</summary>
public sealed class SqlServerFixture : IAsyncLifetime
{
    private const string Image = "mcr.microsoft.com/mssql/server:2022-CU14-ubuntu-22.04";
    private MsSqlContainer? _container;
    private string? _unavailableReason;
    private int _databases;

    public async ValueTask InitializeAsync()
    {
        if (TestcontainersSettings.OS.DockerEndpointAuthConfig is null)
        {
            _unavailableReason = "No Docker engine: SQL Server tests need Docker (Testcontainers found no endpoint).";
            return;
        }

        try
        {
            _container = new MsSqlBuilder(Image).Build();
            await _container.StartAsync(TestContext.Current.CancellationToken);
        }
        catch (DockerUnavailableException ex)
        {
            _unavailableReason = $"No Docker engine: {ex.Message}";
            _container = null;
        }
    }

    public async Task<string> CreateDatabaseConnectionStringAsync(CancellationToken cancellationToken)
    {
        if (_container is null)
        {
            Assert.Skip(_unavailableReason ?? "No Docker engine.");
        }

        // A fresh database per test: migrations run from empty every time.
        var name = $"channel_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}";
        var result = await _container.ExecScriptAsync($"CREATE DATABASE [{name}];", cancellationToken);
        Assert.Equal(0, result.ExitCode);
        var builder = new Microsoft.Data.SqlClient.SqlConnectionStringBuilder(_container.GetConnectionString()) { InitialCatalog = name };
        return builder.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
    }
}
