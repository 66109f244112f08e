namespace Channel.MTProto.Session;

/// <summary>
/// The per-session message sequence number: a content-related message (an RPC, a response, an update) gets
/// 2·n+1 and increments n; anything else (acks, containers, pings' carriers) gets 2·n. Thread-safe.
/// </summary>
internal sealed class SeqNoCounter
{
    private int _contentRelatedCount;

    /// <summary>How many content-related messages were numbered so far.</summary>
    public int ContentRelatedCount => Volatile.Read(ref _contentRelatedCount);

    public int Next(bool contentRelated) =>
        contentRelated
            ? (2 * Interlocked.Increment(ref _contentRelatedCount)) - 1
            : 2 * Volatile.Read(ref _contentRelatedCount);

    /// <summary>Starts over, for a new session id.</summary>
    public void Reset() => Volatile.Write(ref _contentRelatedCount, 0);

    /// <summary>Resumes a counter persisted elsewhere (tests, or a server session that is rebuilt).</summary>
    public void Restore(int contentRelatedCount) => Volatile.Write(ref _contentRelatedCount, contentRelatedCount);
}
