namespace Channel.MTProto.Emulator.Sessions;

/// <summary>
/// Server msg_ids: unixtime·2^32 plus a sub-second fraction, strictly increasing, ≡ 1 (mod 4) for responses to a
/// client message and ≡ 3 otherwise. Not thread-safe: the owning session serialises calls.
/// Interim: the shared MessageIdGenerator of wip/client replaces this once merged.
/// </summary>
internal sealed class ServerMessageIds(TimeProvider time)
{
    private long _last;

    public long Next(bool isResponse)
    {
        var now = time.GetUtcNow();
        var seconds = now.ToUnixTimeSeconds();
        var fraction = (long)((now.Ticks % TimeSpan.TicksPerSecond) * (4294967296.0 / TimeSpan.TicksPerSecond));
        var candidate = Math.Max((seconds << 32) | (fraction & 0xfffffffc), _last + 1);
        var residue = isResponse ? 1 : 3;
        candidate += ((residue - (candidate & 3)) + 4) & 3;
        _last = candidate;
        return candidate;
    }
}
