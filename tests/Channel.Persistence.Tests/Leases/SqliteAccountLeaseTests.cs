using Channel.Persistence.Configuration;

namespace Channel.Persistence.Tests.Leases;

/// <summary>The lease behaviours on a real SQLite file (the single-replica default runs the same code).</summary>
public sealed class SqliteAccountLeaseTests : AccountLeaseBehaviours, IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    private protected override Task<PersistenceHarness> StartAsync(CancellationToken cancellationToken) =>
        PersistenceHarness.StartAsync(_root.Path, new Dictionary<string, string?> { [PersistenceSettings.DataDirectoryKey] = "data" }, cancellationToken);
}
