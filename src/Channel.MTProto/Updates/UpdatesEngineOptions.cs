namespace Channel.MTProto.UpdateHandling;

/// <summary>Tuning of the updates engine; the defaults follow /api/updates and the reference clients.</summary>
public sealed class UpdatesEngineOptions
{
    /// <summary>How long a hole waits for its missing update before getDifference (Telethon: 0.5 s).</summary>
    public TimeSpan GapTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Silence after which the engine calls getDifference anyway (Telegram may stop pushing).</summary>
    public TimeSpan IdleResyncInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// pts_total_limit for updates.getDifference, or null to send none. A limit makes the server answer
    /// differenceTooLong (history lost to the update stream) sooner, so a helpdesk leaves it unset.
    /// </summary>
    public int? DifferencePtsTotalLimit { get; set; }

    /// <summary>limit of updates.getChannelDifference (the spec allows 10–100 for user accounts).</summary>
    public int ChannelDifferenceLimit { get; set; } = 100;

    /// <summary>First wait before a batch whose handler threw is delivered again; doubles up to <see cref="HandlerRetryMaxDelay"/>.</summary>
    public TimeSpan HandlerRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan HandlerRetryMaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Attempts of the handler on one batch before it is handed to the host's park callback and the engine moves
    /// on; 0 or null retries forever (the stream stalls on a poison batch).
    /// </summary>
    public int? MaxHandlerAttempts { get; set; } = 8;

    /// <summary>First wait before a failed getDifference/getState is retried (timeouts, 5xx); doubles up to <see cref="RpcRetryMaxDelay"/>.</summary>
    public TimeSpan RpcRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan RpcRetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Batches waiting for the host; beyond this the engine stops reading pushes (they wait in the client).</summary>
    public int MaxQueuedBatches { get; set; } = 1_000;

    /// <exception cref="ArgumentOutOfRangeException">A value outside its range.</exception>
    public void Validate()
    {
        Positive(GapTimeout, nameof(GapTimeout));
        Positive(IdleResyncInterval, nameof(IdleResyncInterval));
        Positive(HandlerRetryDelay, nameof(HandlerRetryDelay));
        Positive(RpcRetryDelay, nameof(RpcRetryDelay));
        if (HandlerRetryMaxDelay < HandlerRetryDelay || RpcRetryMaxDelay < RpcRetryDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(HandlerRetryMaxDelay), "A maximum retry delay is below its first delay.");
        }

        if (DifferencePtsTotalLimit is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(DifferencePtsTotalLimit), DifferencePtsTotalLimit, "Must be positive or null.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(ChannelDifferenceLimit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ChannelDifferenceLimit, 100_000);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxQueuedBatches, 1);
        if (MaxHandlerAttempts is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxHandlerAttempts), MaxHandlerAttempts, "Must be non-negative or null.");
        }
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero || value > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be positive and at most a day.");
        }
    }
}
