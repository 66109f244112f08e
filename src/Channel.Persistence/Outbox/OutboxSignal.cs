namespace Channel.Persistence.Outbox;

/// <summary>
/// Wakes the outbox dispatcher when a save committed new outbox rows, so that the hot path has no polling delay.
/// Auto-reset: any number of <see cref="Notify"/> calls while nobody waits wake one <see cref="WaitAsync"/>. Singleton.
/// </summary>
public sealed class OutboxSignal : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);
    private readonly Lock _lock = new();

    /// <summary>New rows are committed.</summary>
    public void Notify()
    {
        lock (_lock)
        {
            if (_semaphore.CurrentCount == 0)
            {
                _semaphore.Release();
            }
        }
    }

    /// <summary>True when notified, false after <paramref name="timeout"/> (the dispatcher's safety-net poll).</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _semaphore.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _semaphore.Dispose();
}
