using System.Net.Sockets;
using Channel.MTProto.Client;
using Channel.MTProto.Login;
using Channel.MTProto.Transport;

namespace Channel.Service.Telegram;

/// <summary>
/// The one classification of Telegram-side failures, shared by the gRPC error mapping and the audit record: which
/// exceptions come from Telegram at all, and the stable reason (Telegram's error name, or ours) for each.
/// </summary>
internal static class TelegramFailures
{
    public const string Unreachable = "TELEGRAM_UNREACHABLE";
    public const string SignUpRequired = "SIGN_UP_REQUIRED";
    public const string NoPendingLogin = "LOGIN_NOT_PENDING";
    public const string Unsupported = "LOGIN_UNSUPPORTED";

    /// <summary>True for exceptions a Telegram call raises (as opposed to our bugs or the database).</summary>
    public static bool IsTelegramFailure(Exception exception) => exception is TelegramRpcException or LoginException or FloodWaitException
        or MTProtoTerminalException or MTProtoProtocolException || IsUnreachable(exception);

    /// <summary>Telegram could not be reached or did not answer in time.</summary>
    public static bool IsUnreachable(Exception exception) =>
        exception is SocketException or TransportException or TimeoutException or IOException;

    public static string ReasonOf(Exception exception) => exception switch
    {
        TelegramStepException step => ReasonOf(step.InnerException!),
        FloodWaitException flood => flood.ErrorName,
        LoginException { RpcError: { } rpc } => rpc.ErrorName,
        LoginException login => login.Failure switch
        {
            LoginFailure.SignUpRequired => SignUpRequired,
            LoginFailure.NoPendingLogin => NoPendingLogin,
            LoginFailure.PhoneCodeInvalid => "PHONE_CODE_INVALID",
            LoginFailure.PhoneCodeExpired => "PHONE_CODE_EXPIRED",
            LoginFailure.PasswordInvalid => "PASSWORD_HASH_INVALID",
            LoginFailure.PhoneNumberInvalid => "PHONE_NUMBER_INVALID",
            LoginFailure.PhoneNumberBanned => "PHONE_NUMBER_BANNED",
            LoginFailure.Restarted => "AUTH_RESTART",
            _ => Unsupported,
        },
        TelegramRpcException rpc => rpc.ErrorName,
        MTProtoTerminalException terminal => terminal.Error,
        _ when IsUnreachable(exception) => Unreachable,
        _ => "TELEGRAM_ERROR",
    };
}
