using Channel.MTProto.Client;

namespace Channel.MTProto.Login;

/// <summary>Why a login step failed.</summary>
public enum LoginFailure
{
    /// <summary>SignIn, ResendCode, CancelCode or CheckPassword without a pending SendCode in the session state.</summary>
    NoPendingLogin,

    /// <summary>PHONE_NUMBER_INVALID.</summary>
    PhoneNumberInvalid,

    /// <summary>PHONE_NUMBER_BANNED.</summary>
    PhoneNumberBanned,

    /// <summary>PHONE_CODE_INVALID or PHONE_CODE_EMPTY: ask the user again.</summary>
    PhoneCodeInvalid,

    /// <summary>PHONE_CODE_EXPIRED: send a new code.</summary>
    PhoneCodeExpired,

    /// <summary>PASSWORD_HASH_INVALID: the 2FA password is wrong.</summary>
    PasswordInvalid,

    /// <summary>The phone has no Telegram account; we never create one.</summary>
    SignUpRequired,

    /// <summary>AUTH_RESTART during sign-in: a new code was sent (<see cref="LoginException.SentCode"/>); ask for it.</summary>
    Restarted,

    /// <summary>Telegram asks for something this client does not do (payment, email setup, an unknown password algorithm).</summary>
    Unsupported,
}

/// <summary>A login step failed for a reason the host should show or act on. Messages never contain the phone, code or password.</summary>
public class LoginException : Exception
{
    public LoginException()
        : this(LoginFailure.Unsupported, "The login failed.")
    {
    }

    public LoginException(string message)
        : this(LoginFailure.Unsupported, message)
    {
    }

    public LoginException(string message, Exception innerException)
        : this(LoginFailure.Unsupported, message, innerException)
    {
    }

    public LoginException(LoginFailure failure, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
    }

    public LoginFailure Failure { get; }

    /// <summary>For <see cref="LoginFailure.Restarted"/>: the code sent by the restarted flow.</summary>
    public SentCode? SentCode { get; init; }

    /// <summary>The Telegram error behind this failure, if one was.</summary>
    public TelegramRpcException? RpcError => InnerException as TelegramRpcException;
}

/// <summary>The phone number has no Telegram account. We do not sign accounts up: register it in an official app first.</summary>
public sealed class SignUpRequiredException : LoginException
{
    public SignUpRequiredException()
        : base(LoginFailure.SignUpRequired, "This phone number has no Telegram account; sign up in an official app first.")
    {
    }

    public SignUpRequiredException(string message)
        : base(LoginFailure.SignUpRequired, message)
    {
    }

    public SignUpRequiredException(string message, Exception innerException)
        : base(LoginFailure.SignUpRequired, message, innerException)
    {
    }
}
