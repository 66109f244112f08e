using System.Net;
using Microsoft.Extensions.Logging;

namespace Channel.MTProto.Client;

/// <summary>
/// Source-generated log messages of the client. Only ids, counts, codes and reasons: never auth keys, salts,
/// message bodies, login codes or phone numbers.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "DC {DcId}: connecting to {EndPoint} ({Transport}, obfuscated: {Obfuscated})")]
    public static partial void Connecting(ILogger logger, int dcId, EndPoint endPoint, string transport, bool obfuscated);

    [LoggerMessage(2, LogLevel.Information, "DC {DcId}: connected to {EndPoint}")]
    public static partial void Connected(ILogger logger, int dcId, EndPoint endPoint);

    [LoggerMessage(3, LogLevel.Information, "DC {DcId}: creating an auth key")]
    public static partial void HandshakeStarted(ILogger logger, int dcId);

    [LoggerMessage(4, LogLevel.Information, "DC {DcId}: auth key {AuthKeyId:X16} created, clock offset {OffsetSeconds:F0} s")]
    public static partial void HandshakeCompleted(ILogger logger, int dcId, long authKeyId, double offsetSeconds);

    [LoggerMessage(5, LogLevel.Warning, "DC {DcId}: connection closed: {Reason}")]
    public static partial void ConnectionClosed(ILogger logger, int dcId, string reason, Exception? exception);

    [LoggerMessage(6, LogLevel.Information, "DC {DcId}: reconnecting in {DelayMs:F0} ms (attempt {Attempt})")]
    public static partial void Reconnecting(ILogger logger, int dcId, double delayMs, int attempt);

    [LoggerMessage(7, LogLevel.Debug, "DC {DcId}: server salt changed (bad_server_salt for message {MessageId})")]
    public static partial void BadServerSalt(ILogger logger, int dcId, long messageId);

    [LoggerMessage(8, LogLevel.Warning, "DC {DcId}: bad_msg_notification {Code} for message {MessageId}")]
    public static partial void BadMessageNotification(ILogger logger, int dcId, int code, long messageId);

    [LoggerMessage(9, LogLevel.Information, "DC {DcId}: new session created by the server")]
    public static partial void NewSessionCreated(ILogger logger, int dcId);

    // Warning, not Error: Telegram ending a session (revoked on the phone, a ban) is an event of the account, not a fault.
    [LoggerMessage(10, LogLevel.Warning, "DC {DcId}: terminal error {Error}; the client stops")]
    public static partial void TerminalError(ILogger logger, int dcId, string error);

    [LoggerMessage(11, LogLevel.Debug, "DC {DcId}: ignored message {MessageId}: {Reason}")]
    public static partial void IgnoredMessage(ILogger logger, int dcId, long messageId, string reason);

    [LoggerMessage(12, LogLevel.Debug, "DC {DcId}: re-sending {Count} request(s)")]
    public static partial void Resending(ILogger logger, int dcId, int count);

    [LoggerMessage(13, LogLevel.Warning, "DC {DcId}: could not parse message {MessageId}")]
    public static partial void UnparsableMessage(ILogger logger, int dcId, long messageId, Exception exception);

    [LoggerMessage(14, LogLevel.Debug, "DC {DcId}: unhandled server message {Constructor}")]
    public static partial void UnhandledMessage(ILogger logger, int dcId, string constructor);

    [LoggerMessage(15, LogLevel.Debug, "DC {DcId}: keep-alive or salt refresh failed")]
    public static partial void KeepAliveFailed(ILogger logger, int dcId, Exception exception);

    [LoggerMessage(16, LogLevel.Warning, "DC {DcId}: the server no longer knows the auth key; creating a new one")]
    public static partial void AuthKeyForgotten(ILogger logger, int dcId);

    [LoggerMessage(17, LogLevel.Warning, "Updates queue is full; dropping an update (marked: the updates engine fetches the difference)")]
    public static partial void UpdateDropped(ILogger logger);

    [LoggerMessage(18, LogLevel.Error, "A handler of the client's {Event} event threw; ignored")]
    public static partial void EventHandlerFailed(ILogger logger, string @event, Exception exception);

    [LoggerMessage(19, LogLevel.Information, "Learned DC addresses from help.getConfig on DC {DcId} ({OptionCount} dc_options)")]
    public static partial void DcOptionsLearned(ILogger logger, int dcId, int optionCount);
}
