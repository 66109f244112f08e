namespace Channel.MTProto.Session;

/// <summary>Which residue modulo 4 a message id must have: who sends it and why.</summary>
internal enum MessageIdKind
{
    /// <summary>Client → server: divisible by 4.</summary>
    Client = 0,

    /// <summary>Server → client in response to a client message: ≡ 1 (mod 4).</summary>
    ServerResponse = 1,

    /// <summary>Server → client, not a response (updates, service messages it starts): ≡ 3 (mod 4).</summary>
    ServerInitiated = 3,
}

/// <summary>
/// Generates MTProto message ids: roughly unixtime·2^32 of the <em>server's</em> clock (local time from the
/// <see cref="TimeProvider"/> plus <see cref="ClockOffset"/>), with the low two bits fixed by <see cref="MessageIdKind"/>,
/// and strictly increasing across all callers, including concurrent ones.
/// </summary>
/// <remarks>
/// One generator per session (the client) or per server session (the emulator). Monotonicity is kept with a
/// compare-and-swap loop on the last id handed out, so concurrent senders never get equal or decreasing ids even
/// when the clock stalls or the offset moves backwards.
/// </remarks>
internal sealed class MessageIdGenerator(TimeProvider timeProvider)
{
    private long _lastId;
    private long _clockOffsetTicks;

    /// <summary>Server time minus local time; ids are stamped with local time plus this offset.</summary>
    public TimeSpan ClockOffset
    {
        get => TimeSpan.FromTicks(Volatile.Read(ref _clockOffsetTicks));
        set => Volatile.Write(ref _clockOffsetTicks, value.Ticks);
    }

    /// <summary>The largest id handed out so far (0 before the first).</summary>
    public long LastId => Volatile.Read(ref _lastId);

    /// <summary>The current server time as this generator sees it (local clock + offset).</summary>
    public DateTimeOffset ServerNow => timeProvider.GetUtcNow() + ClockOffset;

    /// <summary>A new client message id (divisible by 4).</summary>
    public long NextClientId() => Next(MessageIdKind.Client);

    /// <summary>A new id with the residue of <paramref name="kind"/>, larger than every id handed out before.</summary>
    public long Next(MessageIdKind kind)
    {
        var candidate = FromTime(ServerNow, kind);
        while (true)
        {
            var last = Volatile.Read(ref _lastId);
            var next = candidate > last ? candidate : AlignUp(last + 1, kind);
            if (Interlocked.CompareExchange(ref _lastId, next, last) == last)
            {
                return next;
            }
        }
    }

    /// <summary>
    /// Adopts the server's clock from a message id it sent (bad_msg_notification 16/17: our ids were too low or
    /// too high). Only the seconds part is trusted, as the spec says.
    /// </summary>
    public void SynchronizeWith(long serverMessageId)
    {
        var serverTime = DateTimeOffset.FromUnixTimeSeconds(serverMessageId >>> 32);
        ClockOffset = serverTime - timeProvider.GetUtcNow();
    }

    /// <summary>Adopts the server's clock from a unix time it reported (server_DH_inner_data.server_time).</summary>
    public void SynchronizeWithServerTime(int serverUnixTime) =>
        ClockOffset = DateTimeOffset.FromUnixTimeSeconds(serverUnixTime) - timeProvider.GetUtcNow();

    /// <summary>
    /// Forgets the last id handed out. Only for a new session id (bad_msg_notification 32/33), where ids restart
    /// from the clock; never needed otherwise.
    /// </summary>
    public void Reset() => Volatile.Write(ref _lastId, 0);

    /// <summary>The id for an instant: seconds in the high half, the fraction of a second in the low half.</summary>
    public static long FromTime(DateTimeOffset time, MessageIdKind kind)
    {
        var unixMilliseconds = time.ToUnixTimeMilliseconds();
        var seconds = unixMilliseconds / 1000;
        var fraction = (unixMilliseconds % 1000) * (1L << 32) / 1000;
        return AlignUp((seconds << 32) | fraction, kind);
    }

    /// <summary>The unix time (seconds) a message id claims to be from.</summary>
    public static long ToUnixSeconds(long messageId) => messageId >>> 32;

    /// <summary>Whether <paramref name="messageId"/> has the residue modulo 4 that <paramref name="kind"/> requires.</summary>
    public static bool HasKind(long messageId, MessageIdKind kind) => (messageId & 3) == (long)kind;

    private static long AlignUp(long value, MessageIdKind kind)
    {
        var aligned = (value & ~3L) | (long)kind;
        return aligned >= value ? aligned : aligned + 4;
    }
}
