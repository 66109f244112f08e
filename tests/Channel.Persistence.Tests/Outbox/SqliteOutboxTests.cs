namespace Channel.Persistence.Tests.Outbox;

/// <summary>The outbox behaviours on a real SQLite file (the embedded default).</summary>
public sealed class SqliteOutboxTests : OutboxBehaviours
{
    private protected override Task<Dictionary<string, string?>> ProviderSettingsAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new Dictionary<string, string?>());
}
