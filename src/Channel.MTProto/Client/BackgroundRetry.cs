using Channel.MTProto.Crypto;
using Channel.MTProto.Transport;
using Microsoft.Extensions.Logging;

namespace Channel.MTProto.Client;

/// <summary>Runs a background call under an <see cref="RpcRetryPolicy"/>; see there for what is retried.</summary>
internal sealed partial class BackgroundRetry
{
    private readonly RpcRetryPolicy _policy;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly IRandomSource _random;

    public BackgroundRetry(RpcRetryPolicy policy, ILogger logger, TimeProvider timeProvider, IRandomSource? random = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        policy.Validate();
        _policy = policy;
        _logger = logger;
        _time = timeProvider;
        _random = random ?? SystemRandomSource.Instance;
    }

    public RpcRetryPolicy Policy => _policy;

    /// <summary>Whether <paramref name="exception"/> may pass if the same call is made again later.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        TimeoutException or IOException or TransportException => true,
        TelegramRpcException rpc => (rpc.Code >= 500 || rpc.Code < 0) && !rpc.IsFloodWait,
        _ => false,
    };

    /// <exception cref="FloodWaitException">Telegram asked to wait longer than the threshold.</exception>
    public async Task<TResult> InvokeAsync<TResult>(Func<CancellationToken, Task<TResult>> call, string method, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            TimeSpan delay;
            try
            {
                return await call(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (FloodWait(e) is { } flood && !cancellationToken.IsCancellationRequested)
            {
                if (flood.Wait > _policy.FloodSleepThreshold || OutOfAttempts(attempt))
                {
                    throw e as FloodWaitException ?? flood;
                }

                delay = flood.Wait;
                Log.FloodSleeping(_logger, flood.ErrorName, delay.TotalSeconds, method, attempt);
            }
            catch (Exception e) when (IsTransient(e) && !OutOfAttempts(attempt) && !cancellationToken.IsCancellationRequested)
            {
                delay = Backoff(attempt);
                Log.Retrying(_logger, method, delay.TotalMilliseconds, attempt, Describe(e));
            }

            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>BaseDelay · 2^(attempt−1), capped, times a random factor in [1 − jitter, 1 + jitter].</summary>
    public TimeSpan Backoff(int attempt) =>
        ExponentialBackoff.Delay(attempt, _policy.BaseDelay, _policy.MaxDelay, _policy.Jitter, ExponentialBackoff.Unit(_random));

    private bool OutOfAttempts(int attempt) => _policy.MaxAttempts is { } max && attempt >= max;

    private static FloodWaitException? FloodWait(Exception e) => e switch
    {
        FloodWaitException flood => flood,
        TelegramRpcException { IsFloodWait: true } rpc => new FloodWaitException(rpc.ErrorName, rpc.RetryAfter ?? TimeSpan.Zero, rpc),
        _ => null,
    };

    /// <summary>Type and Telegram error name only: exception messages may quote request contents.</summary>
    private static string Describe(Exception e) => e switch
    {
        TelegramRpcException rpc => $"{rpc.Code} {rpc.ErrorName}",
        TransportException transport => $"TransportException/{transport.Failure}",
        _ => e.GetType().Name,
    };

    private static partial class Log
    {
        [LoggerMessage(60, LogLevel.Warning, "{Method} failed ({Reason}); retrying in {DelayMs:F0} ms (attempt {Attempt})")]
        public static partial void Retrying(ILogger logger, string method, double delayMs, int attempt, string reason);

        [LoggerMessage(61, LogLevel.Warning, "{ErrorName}: sleeping {WaitSeconds:F0} s before repeating {Method} (attempt {Attempt})")]
        public static partial void FloodSleeping(ILogger logger, string errorName, double waitSeconds, string method, int attempt);
    }
}
