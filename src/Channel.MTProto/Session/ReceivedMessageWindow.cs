namespace Channel.MTProto.Session;

/// <summary>What <see cref="ReceivedMessageWindow.Check"/> decided about an incoming msg_id.</summary>
internal enum ReceivedMessageCheck
{
    /// <summary>New and inside the time window: process it.</summary>
    Accepted,

    /// <summary>Seen before (or older than everything remembered): ignore it, it is a replay or a resend.</summary>
    Duplicate,

    /// <summary>More than 300 s older than our (server-corrected) clock.</summary>
    TooOld,

    /// <summary>More than 30 s in our (server-corrected) clock's future.</summary>
    TooNew,
}

/// <summary>
/// Replay protection for incoming messages: the msg_id must lie within −300 s / +30 s of the current time
/// (as corrected by the clock offset) and must not repeat one of the last <see cref="Capacity"/> ids.
/// </summary>
/// <remarks>
/// A ring of the most recent ids, scanned linearly (vectorised by <see cref="MemoryExtensions.Contains{T}(Span{T}, T)"/>;
/// 512 longs is 4 KiB, grown from 32 as ids arrive: with a thousand idle accounts the full rings were a tenth of the
/// managed heap). Once the ring is full, an id older than every remembered one
/// cannot be proven new, so it counts as a duplicate, the same rule WTelegramClient applies. Not thread-safe:
/// one receive loop owns it.
/// </remarks>
internal sealed class ReceivedMessageWindow(int capacity = ReceivedMessageWindow.DefaultCapacity)
{
    public const int DefaultCapacity = 512;

    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(300);
    public static readonly TimeSpan MaxFuture = TimeSpan.FromSeconds(30);

    /// <summary>The ring's first length: an idle connection sees a few ids a minute, so it grows to Capacity only when needed.</summary>
    private const int InitialLength = 32;

    private long[]? _ring;
    private int _next;
    private int _count;

    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity));

    /// <summary>Checks <paramref name="messageId"/> against the window and, when accepted, remembers it.</summary>
    public ReceivedMessageCheck Check(long messageId, DateTimeOffset serverNow)
    {
        var sent = MessageIdGenerator.ToUnixSeconds(messageId);
        var now = serverNow.ToUnixTimeSeconds();
        if (sent < now - (long)MaxAge.TotalSeconds)
        {
            return ReceivedMessageCheck.TooOld;
        }

        if (sent > now + (long)MaxFuture.TotalSeconds)
        {
            return ReceivedMessageCheck.TooNew;
        }

        var ring = _ring ??= new long[Math.Min(InitialLength, Capacity)];
        var remembered = ring.AsSpan(0, _count);
        if (remembered.Contains(messageId))
        {
            return ReceivedMessageCheck.Duplicate;
        }

        if (_count == Capacity && messageId < Min(remembered))
        {
            return ReceivedMessageCheck.Duplicate;
        }

        if (_count == ring.Length && ring.Length < Capacity)
        {
            // Not wrapped yet (it wraps only at Capacity), so the ids keep their order in the larger ring.
            Array.Resize(ref _ring, Math.Min(ring.Length * 2, Capacity));
            ring = _ring;
        }

        ring[_next] = messageId;
        _next = (_next + 1) % Capacity;
        if (_count < Capacity)
        {
            _count++;
        }

        return ReceivedMessageCheck.Accepted;
    }

    /// <summary>Forgets every remembered id (new session).</summary>
    public void Clear()
    {
        _next = 0;
        _count = 0;
    }

    private static long Min(ReadOnlySpan<long> values)
    {
        var min = long.MaxValue;
        foreach (var value in values)
        {
            min = Math.Min(min, value);
        }

        return min;
    }
}
