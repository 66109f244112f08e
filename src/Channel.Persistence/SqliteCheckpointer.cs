using Channel.Persistence.Configuration;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Channel.Persistence;

/// <summary>
/// Copies the SQLite write-ahead log into the database file from a connection of its own, shortly after writes,
/// instead of inside a commit. SQLite's automatic checkpoint runs in the commit that crosses the threshold and
/// fsyncs there: under a steady inbound stream that was about five commits a second held 5–19 ms each, and every
/// batch queued behind them waited as long. A passive checkpoint takes no write lock, so commits go on beside it.
/// SQLite's own checkpoint stays as a fallback at a larger threshold (<see cref="FallbackPages"/>), should this one
/// fail or fall behind. Only for SQLite.
/// </summary>
internal sealed partial class SqliteCheckpointer(
    PersistenceSettings settings, SqliteWriteGate gate, TimeProvider time, ILogger<SqliteCheckpointer> logger) : BackgroundService
{
    /// <summary>
    /// The WAL size (pages) at which a commit checkpoints by itself (SQLite's default is 1,000). Under a continuous
    /// stream the log cannot start again from the top (a writer is always adding to it), so a commit still gets
    /// there now and then; this service has copied nearly all of it by then, so little is left to copy. It also
    /// bounds the log should this service fail.
    /// </summary>
    internal const int FallbackPages = 4096;

    /// <summary>
    /// How long after a write the checkpoint runs: the writes of that time go in one checkpoint (and one pair of
    /// fsyncs) rather than one each.
    /// </summary>
    internal static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(200);

    private SqliteConnection? _connection;
    private int _checkpoints;

    /// <summary>Checkpoints run so far (for tests and diagnostics).</summary>
    internal int Checkpoints => Volatile.Read(ref _checkpoints);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await gate.NextWriteAsync(stoppingToken);
                await Task.Delay(Delay, time, stoppingToken);
                await CheckpointAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (_connection is not null)
            {
                await _connection.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// SQLite's calls block (Microsoft.Data.Sqlite's async methods run synchronously), and a checkpoint's fsyncs take
    /// 5–19 ms: on a thread of its own, so that no thread-pool worker (two on a two-core machine) waits on the disk.
    /// </summary>
    private Task CheckpointAsync() =>
        Task.Factory.StartNew(Checkpoint, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Checkpoint()
    {
        try
        {
            if (_connection is null)
            {
                _connection = new SqliteConnection(settings.ConnectionString);
                _connection.Open();
            }

            using var command = _connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
            using var reader = command.ExecuteReader();
            if (reader.Read())
            {
                LogCheckpointed(logger, reader.GetInt64(1), reader.GetInt64(2));
            }

            Interlocked.Increment(ref _checkpoints);
        }
        catch (SqliteException exception)
        {
            // The commits' own checkpoint (FallbackPages) keeps the log bounded meanwhile; try again after the next write.
            LogCheckpointFailed(logger, exception);
            _connection?.Dispose();
            _connection = null;
        }
    }

    [LoggerMessage(EventId = 1010, Level = LogLevel.Trace, Message = "SQLite checkpoint: {Checkpointed} of {Frames} WAL frame(s) in the database file.")]
    private static partial void LogCheckpointed(ILogger logger, long frames, long checkpointed);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning, Message = "The SQLite checkpoint failed; commits checkpoint by themselves until it works again.")]
    private static partial void LogCheckpointFailed(ILogger logger, Exception exception);
}
