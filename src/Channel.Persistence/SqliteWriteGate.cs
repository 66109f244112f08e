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
    private int _waiting;

    // No timeout: a wait with one arms a timer per contended write, and those timers' finalizers showed in the CPU
    // profile under load. A write is held only by a transaction or a statement of this process, which ends by itself;
    // a write that waited on the gate from inside another one would hang, so writes never nest (one context each).
    internal async Task EnterAsync(CancellationToken cancellationToken)
    {
        if (_semaphore.Wait(0))
        {
            return;
        }

        Interlocked.Increment(ref _waiting);
        try
        {
            await _semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    internal void Enter()
    {
        if (_semaphore.Wait(0))
        {
            return;
        }

        Interlocked.Increment(ref _waiting);
        try
        {
            _semaphore.Wait();
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    internal void Exit() => _semaphore.Release();

    /// <summary>True while no write holds the gate.</summary>
    internal bool IsFree => _semaphore.CurrentCount == 1;

    /// <summary>Writes queued behind the one that holds the gate.</summary>
    internal int Waiting => Volatile.Read(ref _waiting);

    public void Dispose() => _semaphore.Dispose();
}
