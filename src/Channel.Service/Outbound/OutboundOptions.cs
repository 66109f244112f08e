namespace Channel.Service.Outbound;

/// <summary><c>Outbound:*</c>: pacing and retention of agents' replies.</summary>
internal sealed class OutboundOptions
{
    public const string Section = "Outbound";

    /// <summary>The least time between two sends of one account (Telegram's flood limits are per account); zero: no pacing.</summary>
    public TimeSpan SendInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How long an idempotency key is remembered (at least one day).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(2);

    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The queue's wait before it tries a command again that met a passing failure (Telegram unreachable, account not connected yet).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Safety net: how often the queue looks for pending commands it was not told about.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
}
