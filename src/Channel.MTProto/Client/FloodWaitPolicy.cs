namespace Channel.MTProto.Client;

/// <summary>
/// Whether to sleep through FLOOD_WAIT_X / FLOOD_PREMIUM_WAIT_X / SLOWMODE_WAIT_X and repeat the call. Opt-in: the
/// default never sleeps, so every wait reaches the host as a <see cref="FloodWaitException"/> it can see and schedule.
/// </summary>
/// <remarks>
/// Waits longer than <see cref="Threshold"/> are never slept, and at most <see cref="MaxRetries"/> sleeps happen per call,
/// so a call can never wait silently forever (stacked hidden waits look like a dead server). Every sleep is logged.
/// </remarks>
public sealed record FloodWaitPolicy
{
    /// <summary>Never sleep: every flood wait is raised.</summary>
    public static FloodWaitPolicy Never { get; } = new();

    /// <summary>Longest wait slept automatically; zero (the default) means never sleep.</summary>
    public TimeSpan Threshold { get; init; } = TimeSpan.Zero;

    /// <summary>How many times one call may sleep and repeat before the wait is raised anyway.</summary>
    public int MaxRetries { get; init; } = 1;

    /// <summary>Whether to sleep <paramref name="wait"/> after <paramref name="retriesSoFar"/> earlier sleeps of the same call.</summary>
    public bool ShouldRetry(TimeSpan wait, int retriesSoFar) =>
        Threshold > TimeSpan.Zero && wait <= Threshold && retriesSoFar < MaxRetries;
}

/// <summary>Telegram asked us to wait (FLOOD_WAIT_X, FLOOD_PREMIUM_WAIT_X, SLOWMODE_WAIT_X) before repeating the call.</summary>
public sealed class FloodWaitException : Exception
{
    public FloodWaitException()
        : this("FLOOD_WAIT", TimeSpan.Zero, null)
    {
    }

    public FloodWaitException(string message)
        : base(message)
    {
        ErrorName = "FLOOD_WAIT";
    }

    public FloodWaitException(string message, Exception innerException)
        : base(message, innerException)
    {
        ErrorName = "FLOOD_WAIT";
    }

    public FloodWaitException(string errorName, TimeSpan wait, TelegramRpcException? innerException)
        : base($"Telegram asks to wait {wait.TotalSeconds:F0} s ({errorName}).", innerException)
    {
        ErrorName = errorName;
        Wait = wait;
    }

    /// <summary>FLOOD_WAIT, FLOOD_PREMIUM_WAIT or SLOWMODE_WAIT.</summary>
    public string ErrorName { get; }

    /// <summary>How long to wait before repeating the call.</summary>
    public TimeSpan Wait { get; }

    /// <summary>Slow mode of a group (the limit is per chat, not per account).</summary>
    public bool IsSlowMode => ErrorName == "SLOWMODE_WAIT";
}
