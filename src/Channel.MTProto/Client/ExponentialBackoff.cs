using Channel.MTProto.Crypto;

namespace Channel.MTProto.Client;

/// <summary>The one jittered exponential backoff: reconnects, background retries and the service's restarts.</summary>
public static class ExponentialBackoff
{
    /// <summary>
    /// base · 2^(attempt−1), capped at <paramref name="maxDelay"/>, scaled by a factor in [1 − jitter, 1 + jitter]
    /// chosen by <paramref name="unit"/> ∈ [0, 1] (so callers that failed together do not retry together).
    /// </summary>
    public static TimeSpan Delay(int attempt, TimeSpan baseDelay, TimeSpan maxDelay, double jitter, double unit)
    {
        var exponential = baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30));
        var capped = Math.Min(exponential, maxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (1 + (jitter * ((2 * unit) - 1))));
    }

    /// <summary>A uniform value in [0, 1] from <paramref name="random"/> (injectable, so tests replay it).</summary>
    internal static double Unit(IRandomSource random)
    {
        Span<byte> bytes = stackalloc byte[4];
        random.Fill(bytes);
        return BitConverter.ToUInt32(bytes) / (double)uint.MaxValue;
    }
}
