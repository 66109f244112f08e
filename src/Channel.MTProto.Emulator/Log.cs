using Microsoft.Extensions.Logging;

namespace Channel.MTProto.Emulator;

/// <summary>The emulator's log messages. Never logs key material, only ids that travel in clear anyway.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "DC {DcId} listening on {Endpoint}")]
    public static partial void Listening(this ILogger logger, int dcId, string endpoint);

    [LoggerMessage(2, LogLevel.Debug, "Connection {ConnectionId} from {Remote} on DC {DcId}")]
    public static partial void ConnectionAccepted(this ILogger logger, long connectionId, string remote, int dcId);

    [LoggerMessage(3, LogLevel.Debug, "Connection {ConnectionId} speaks the {Transport} transport")]
    public static partial void TransportDetected(this ILogger logger, long connectionId, string transport);

    [LoggerMessage(4, LogLevel.Debug, "Connection {ConnectionId} closed: {Reason}")]
    public static partial void ConnectionClosed(this ILogger logger, long connectionId, string reason);

    [LoggerMessage(5, LogLevel.Warning, "Connection {ConnectionId} closed after a protocol violation: {Reason}")]
    public static partial void ConnectionRejected(this ILogger logger, long connectionId, string reason);

    [LoggerMessage(6, LogLevel.Warning, "Connection {ConnectionId}: key exchange failed ({Reason}); sending -404")]
    public static partial void HandshakeFailed(this ILogger logger, long connectionId, string reason);

    [LoggerMessage(7, LogLevel.Information, "DC {DcId}: new auth key {AuthKeyId:x16}")]
    public static partial void AuthKeyCreated(this ILogger logger, int dcId, long authKeyId);

    [LoggerMessage(8, LogLevel.Warning, "Connection {ConnectionId}: unknown auth key {AuthKeyId:x16}; sending -404")]
    public static partial void UnknownAuthKey(this ILogger logger, long connectionId, long authKeyId);

    [LoggerMessage(9, LogLevel.Error, "Connection {ConnectionId}: handler for method 0x{MethodId:x8} failed")]
    public static partial void HandlerFailed(this ILogger logger, long connectionId, uint methodId, Exception exception);

    [LoggerMessage(10, LogLevel.Debug, "Connection {ConnectionId}: message {MsgId} rejected with bad_msg_notification {Code}")]
    public static partial void MessageRejected(this ILogger logger, long connectionId, long msgId, int code);

    [LoggerMessage(11, LogLevel.Error, "DC {DcId}: accepting a connection failed")]
    public static partial void AcceptFailed(this ILogger logger, int dcId, Exception exception);

    [LoggerMessage(12, LogLevel.Information, "Connection {ConnectionId}: fault injection sends transport error {Code}")]
    public static partial void InjectedTransportError(this ILogger logger, long connectionId, int code);
}
