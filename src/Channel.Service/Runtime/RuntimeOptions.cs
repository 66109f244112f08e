namespace Channel.Service.Runtime;

/// <summary>
/// <c>Runtime:*</c>: how the account runtime keeps every Active account connected. Validated at start-up
/// (<see cref="RuntimeOptionsValidator"/>).
/// </summary>
internal sealed class RuntimeOptions
{
    public const string Section = "Runtime";

    /// <summary>Off only for hosts that must not talk to Telegram on their own (some tests, maintenance runs).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the Active accounts in the database are compared with the connections held.</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>First wait before a connection that failed to start (or stopped unexpectedly) is tried again.</summary>
    public TimeSpan RestartDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between two attempts; the delay doubles up to it, with ±20 % jitter.</summary>
    public TimeSpan RestartMaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Connections brought up at once after a restart (a burst of key handshakes is what Telegram dislikes).</summary>
    public int StartConcurrency { get; set; } = 16;

    /// <summary>Attempts at storing one batch of updates before it is parked for an operator (ParkedUpdateBatches).</summary>
    public int MaxBatchAttempts { get; set; } = 8;

    /// <summary>How long session changes (salts, clock offset) are gathered before the encrypted session is saved.</summary>
    public TimeSpan SessionSaveDelay { get; set; } = TimeSpan.FromSeconds(1);
}
