using Channel.MTProto.Client;
using Channel.MTProto.UpdateHandling;

namespace Channel.MTProto.Accounts;

/// <summary>How an <see cref="AccountConnection"/> runs its updates and its background calls.</summary>
public sealed class AccountConnectionOptions
{
    /// <summary>The updates engine's tuning (gap wait, idle resync, handler backoff and attempts, …).</summary>
    public UpdatesEngineOptions Updates { get; set; } = new();

    /// <summary>Retries of background calls: getState, getDifference, getChannelDifference, history recovery, CheckSessionAsync.</summary>
    public RpcRetryPolicy BackgroundRetry { get; set; } = new();

    /// <summary>Shortcut for <see cref="UpdatesEngineOptions.MaxHandlerAttempts"/> of <see cref="Updates"/> (default 8; 0 or null: forever).</summary>
    public int? MaxHandlerAttempts
    {
        get => Updates.MaxHandlerAttempts;
        set => Updates.MaxHandlerAttempts = value;
    }

    /// <summary>Shortcut for <see cref="RpcRetryPolicy.FloodSleepThreshold"/> of <see cref="BackgroundRetry"/> (default 60 s).</summary>
    public TimeSpan FloodSleepThreshold
    {
        get => BackgroundRetry.FloodSleepThreshold;
        set => BackgroundRetry.FloodSleepThreshold = value;
    }

    /// <exception cref="ArgumentOutOfRangeException">A value outside its range.</exception>
    /// <exception cref="ArgumentNullException">A part is missing.</exception>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Updates);
        ArgumentNullException.ThrowIfNull(BackgroundRetry);
        Updates.Validate();
        BackgroundRetry.Validate();
    }
}
