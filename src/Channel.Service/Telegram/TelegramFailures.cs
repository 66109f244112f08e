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

    /// <summary>
    /// What the failure of a call made with a logged-in session says about the account: Telegram revoked the session
    /// (or forgot, or saw a duplicate of, its key), banned the account, or deleted it. Null when it says none of these:
    /// the session may still be good and the call may be tried again.
    /// </summary>
    public static AccountLoss? LossOf(Exception exception) => exception switch
    {
        TelegramStepException step => LossOf(step.InnerException!),
        MTProtoTerminalException terminal => LossNamed(terminal.Error),
        TelegramRpcException rpc when rpc.IsTerminal(authorized: true) => LossNamed(rpc.ErrorName),
        _ => null,
    };

    private static AccountLoss LossNamed(string error) => error switch
    {
        "USER_DEACTIVATED_BAN" => AccountLoss.Banned,
        "USER_DEACTIVATED" => AccountLoss.Deactivated,
        _ => AccountLoss.SessionRevoked,
    };
}

/// <summary>How Telegram ended a logged-in account; see <see cref="TelegramFailures.LossOf"/>.</summary>
internal enum AccountLoss
{
    /// <summary>The session is gone (SESSION_REVOKED, AUTH_KEY_UNREGISTERED, SESSION_EXPIRED, AUTH_KEY_DUPLICATED…): log in again.</summary>
    SessionRevoked,

    /// <summary>USER_DEACTIVATED_BAN.</summary>
    Banned,

    /// <summary>USER_DEACTIVATED: the Telegram account was deleted.</summary>
    Deactivated,
}
