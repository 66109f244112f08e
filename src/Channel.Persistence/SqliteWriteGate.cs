namespace Channel.Persistence;

/// <summary>
/// One writer at a time on the SQLite file, queued in this process instead of inside SQLite. SQLite has a single
/// write lock; a second writer gets SQLITE_BUSY, and Microsoft.Data.Sqlite answers that by sleeping 150 ms and
/// trying again. Under a steady inbound stream (account stores, the dispatcher's marks, lease renewals) those sleeps
/// were most of the latency and capped throughput with the CPU half idle. Writers wait here instead, in order, and
/// go the moment the previous one commits. Singleton per database; not used for SQL Server or PostgreSQL.
/// </summary>
public sealed class SqliteWriteGate : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(1, 1);

    // No timeout: a wait with one arms a timer per contended write, and those timers' finalizers showed in the CPU
    // profile under load. A write is held only by a transaction or a statement of this process, which ends by itself;
    // a write that waited on the gate from inside another one would hang, so writes never nest (one context each).
    internal Task EnterAsync(CancellationToken cancellationToken) => _semaphore.WaitAsync(cancellationToken);

    internal void Enter() => _semaphore.Wait();

    internal void Exit() => _semaphore.Release();

    public void Dispose() => _semaphore.Dispose();
}
