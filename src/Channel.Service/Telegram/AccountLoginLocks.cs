using Channel.Domain.Accounts;

namespace Channel.Service.Telegram;

/// <summary>
/// Serialises the Telegram work on one account within this process: login steps, session checks and deletion (two
/// VerifyCode at once: one waits for the other, then sees the new status). Across replicas the aggregate's
/// optimistic concurrency decides instead.
/// </summary>
internal sealed class AccountLoginLocks
{
    private readonly Dictionary<TelegramAccountId, Entry> _entries = [];
    private readonly Lock _lock = new();

    public async Task<IDisposable> AcquireAsync(TelegramAccountId accountId, CancellationToken cancellationToken)
    {
        Entry entry;
        lock (_lock)
        {
            if (!_entries.TryGetValue(accountId, out entry!))
            {
                _entries[accountId] = entry = new Entry();
            }

            entry.Users++;
        }

        try
        {
            await entry.Semaphore.WaitAsync(cancellationToken);
        }
        catch
        {
            Release(accountId, entry, held: false);
            throw;
        }

        return new Lease(this, accountId, entry);
    }

    private void Release(TelegramAccountId accountId, Entry entry, bool held)
    {
        if (held)
        {
            entry.Semaphore.Release();
        }

        lock (_lock)
        {
            // The last user removes the entry, so idle accounts cost nothing.
            if (--entry.Users == 0)
            {
                _entries.Remove(accountId);
                entry.Semaphore.Dispose();
            }
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int Users { get; set; }
    }

    private sealed class Lease(AccountLoginLocks owner, TelegramAccountId accountId, Entry entry) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Release(accountId, entry, held: true);
            }
        }
    }
}
