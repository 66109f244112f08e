using Microsoft.Extensions.Logging;

namespace Channel.MTProto.UpdateHandling;

/// <summary>Log messages of the updates engine: positions, counts and reasons only, never message text.</summary>
internal static partial class Log
{
    [LoggerMessage(500, LogLevel.Information, "Updates: starting from a new state ({State})")]
    public static partial void StartingFresh(ILogger logger, UpdateState state);

    [LoggerMessage(501, LogLevel.Information, "Updates: catching up from the saved state ({State})")]
    public static partial void CatchingUp(ILogger logger, UpdateState state);

    [LoggerMessage(502, LogLevel.Debug, "Updates: fetching the difference of the {Box} box ({Reason})")]
    public static partial void Fetching(ILogger logger, string box, string reason);

    [LoggerMessage(503, LogLevel.Warning, "Updates: history gap in the {Box} box ({Reason}); the host should refetch that history")]
    public static partial void HistoryGap(ILogger logger, string box, string reason);

    [LoggerMessage(504, LogLevel.Warning, "Updates: {Method} failed, retrying in {DelayMs:F0} ms (attempt {Attempt})")]
    public static partial void RpcRetry(ILogger logger, string method, double delayMs, int attempt, Exception exception);

    [LoggerMessage(505, LogLevel.Warning, "Updates: the handler failed on batch {Batch} (attempt {Attempt}); delivering it again in {DelayMs:F0} ms")]
    public static partial void HandlerFailed(ILogger logger, long batch, int attempt, double delayMs, Exception exception);

    [LoggerMessage(506, LogLevel.Debug, "Updates: {Count} duplicate update(s) dropped")]
    public static partial void Duplicates(ILogger logger, int count);

    [LoggerMessage(507, LogLevel.Error, "Updates: the engine stopped")]
    public static partial void Stopped(ILogger logger, Exception exception);

    [LoggerMessage(511, LogLevel.Error, "Updates: batch {Batch} parked after {Attempts} failed attempt(s); moving on")]
    public static partial void BatchParked(ILogger logger, long batch, int attempts, Exception exception);

    [LoggerMessage(512, LogLevel.Error, "Updates: parking batch {Batch} failed; it will be tried again")]
    public static partial void ParkFailed(ILogger logger, long batch, Exception exception);

    [LoggerMessage(513, LogLevel.Warning, "Updates: {Method} must wait {WaitSeconds:F0} s ({ErrorName}); waiting")]
    public static partial void FloodWaiting(ILogger logger, string method, double waitSeconds, string errorName);

    [LoggerMessage(514, LogLevel.Information, "Updates: recovering history above message {SinceId} after differenceTooLong: {Dialogs} dialog(s), {Messages} message(s)")]
    public static partial void HistoryRecovered(ILogger logger, int sinceId, int dialogs, int messages);

    [LoggerMessage(515, LogLevel.Information, "Updates: recovering channel {ChannelId} history above message {SinceId}: {Messages} message(s)")]
    public static partial void ChannelHistoryRecovered(ILogger logger, long channelId, int sinceId, int messages);

    [LoggerMessage(509, LogLevel.Information, "Updates: resync requested ({Reason})")]
    public static partial void ResyncRequested(ILogger logger, string reason);

    [LoggerMessage(510, LogLevel.Warning, "Updates: a {UpdateType} could not be mapped to an event; delivered raw only")]
    public static partial void UnmappableUpdate(ILogger logger, string updateType, Exception exception);
}
