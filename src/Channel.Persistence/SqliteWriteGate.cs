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
    private TaskCompletionSource? _nextWrite;

    /// <summary>
    /// As long as SQLite's own busy timeout: a write that waits this long is stuck behind one that waits for it (a
    /// second context writing inside another's open transaction, which SQLite itself would have failed after 30 s
    /// of SQLITE_BUSY), and fails the same way rather than hanging.
    /// </summary>
    internal static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    internal async Task EnterAsync(CancellationToken cancellationToken)
    {
        if (_semaphore.Wait(0))
        {
            return;
        }

        Interlocked.Increment(ref _waiting);
        try
        {
            if (!await _semaphore.WaitAsync(MaxWait, cancellationToken).ConfigureAwait(false))
            {
                throw TimedOut();
            }
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
            if (!_semaphore.Wait(MaxWait))
            {
                throw TimedOut();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    internal void Exit()
    {
        _semaphore.Release();
        Interlocked.Exchange(ref _nextWrite, null)?.TrySetResult();
    }

    /// <summary>Completes when the next write leaves the gate (for <see cref="SqliteCheckpointer"/>; nothing is allocated per write while no one waits).</summary>
    internal Task NextWriteAsync(CancellationToken cancellationToken)
    {
        var next = Volatile.Read(ref _nextWrite);
        if (next is null)
        {
            var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            next = Interlocked.CompareExchange(ref _nextWrite, created, null) ?? created;
        }

        return next.Task.WaitAsync(cancellationToken);
    }

    /// <summary>True while no write holds the gate.</summary>
    internal bool IsFree => _semaphore.CurrentCount == 1;

    /// <summary>Writes queued behind the one that holds the gate.</summary>
    internal int Waiting => Volatile.Read(ref _waiting);

    public void Dispose() => _semaphore.Dispose();

    private static TimeoutException TimedOut() =>
        new($"No SQLite write slot within {MaxWait.TotalSeconds:F0} s: another write of this process held it all that time (a write nested in another context's transaction?).");
}
