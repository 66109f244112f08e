namespace Channel.MTProto.Client;

/// <summary>
/// How background calls (getState, getDifference, getChannelDifference, history recovery, the session check) ride
/// out a bad moment: jittered exponential backoff on Telegram's 5xx rpc_errors, -503 (its "timeout" error), request
/// timeouts and lost connections, and sleeping through flood waits up to <see cref="FloodSleepThreshold"/>.
/// Interactive calls never use it: a host's user is better served by the error at once.
/// </summary>
public sealed class RpcRetryPolicy
{
    /// <summary>First backoff; doubles per failed attempt up to <see cref="MaxDelay"/>.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Each backoff is scaled by a random factor in [1 − jitter, 1 + jitter] so accounts don't retry in step.</summary>
    public double Jitter { get; set; } = 0.2;

    /// <summary>Attempts per call before the last error is raised; null retries until cancelled.</summary>
    public int? MaxAttempts { get; set; }

    /// <summary>
    /// FLOOD_WAIT_X (and the premium/slow-mode variants) up to this long are slept through (logged) and the call
    /// repeated; longer ones are raised as <see cref="FloodWaitException"/>. Zero never sleeps.
    /// </summary>
    public TimeSpan FloodSleepThreshold { get; set; } = TimeSpan.FromSeconds(60);

    /// <exception cref="ArgumentOutOfRangeException">A value outside its range.</exception>
    public void Validate()
    {
        if (BaseDelay <= TimeSpan.Zero || MaxDelay < BaseDelay || MaxDelay > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(nameof(BaseDelay), "Delays must be positive, the maximum at least the first and at most a day.");
        }

        if (Jitter is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Jitter), Jitter, "Jitter is a fraction in [0, 1).");
        }

        if (MaxAttempts is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAttempts), MaxAttempts, "Must be positive or null.");
        }

        if (FloodSleepThreshold < TimeSpan.Zero || FloodSleepThreshold > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(nameof(FloodSleepThreshold), FloodSleepThreshold, "Must be between zero and a day.");
        }
    }
}
