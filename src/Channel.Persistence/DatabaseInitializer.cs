using Channel.Persistence.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Channel.Persistence;

/// <summary>
/// Prepares the database before anything else starts (it is registered ahead of DataProtection's own start-up
/// work, which reads the key ring from the database): applies migrations unless a DBA does that, and puts SQLite
/// in WAL mode.
/// </summary>
internal sealed partial class DatabaseInitializer(
    IServiceScopeFactory scopes, PersistenceSettings settings, ILogger<DatabaseInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (settings.Provider == DatabaseProvider.Sqlite)
        {
            Directory.CreateDirectory(settings.DataDirectory);
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
        if (settings.ApplyMigrationsOnStartup)
        {
            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            await db.Database.MigrateAsync(cancellationToken);
            LogMigrationsApplied(logger, settings.Provider, pending.Count);
        }
        else
        {
            LogMigrationsSkipped(logger, settings.Provider);
        }

        if (settings.Provider == DatabaseProvider.Sqlite)
        {
            // WAL lets readers run beside the writer and makes small commits much cheaper; it persists in the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Database ({Provider}) is up to date; {Count} migration(s) applied.")]
    private static partial void LogMigrationsApplied(ILogger logger, DatabaseProvider provider, int count);

    [LoggerMessage(
        EventId = 1001, Level = LogLevel.Information,
        Message = "Database ({Provider}): Database:ApplyMigrationsOnStartup is false, so migrations are left to the DBA.")]
    private static partial void LogMigrationsSkipped(ILogger logger, DatabaseProvider provider);
}
