namespace Channel.MTProto.Login;

/// <summary>How Telegram delivered (or will deliver) the login code.</summary>
public enum CodeType
{
    Unknown,

    /// <summary>A message from Telegram in the user's other sessions.</summary>
    App,
    Sms,
    Call,

    /// <summary>A call whose caller number matches a pattern.</summary>
    FlashCall,

    /// <summary>A missed call: the code is the last digits of the caller's number.</summary>
    MissedCall,
    Email,

    /// <summary>The user must first set up a login email (not supported here; use an official app).</summary>
    SetUpEmailRequired,

    /// <summary>An anonymous number bought on Fragment.</summary>
    Fragment,

    /// <summary>Firebase SMS, for official apps only.</summary>
    FirebaseSms,
    SmsWord,
    SmsPhrase,
}

/// <summary>The answer to SendCode / ResendCode. The phone_code_hash stays inside the session state on purpose.</summary>
/// <param name="Type">Where the code went.</param>
/// <param name="NextType">What ResendCode will use, if anything.</param>
/// <param name="Timeout">How long to wait before ResendCode.</param>
/// <param name="CodeLength">Digits in the code, when Telegram says.</param>
public sealed record SentCode(CodeType Type, CodeType? NextType, TimeSpan? Timeout, int? CodeLength);

/// <summary>An account as the login and GetMe see it.</summary>
public sealed record TelegramUser(long Id, string? FirstName, string? LastName, string? Username, string? Phone, bool IsBot, bool IsPremium);

/// <summary>The outcome of SignIn (sign-up required is a <see cref="SignUpRequiredException"/>).</summary>
public abstract record SignInResult;

/// <summary>The account is logged in.</summary>
public sealed record SignedIn(TelegramUser User) : SignInResult;

/// <summary>The account has a 2FA password: call CheckPassword next.</summary>
/// <param name="Hint">The hint the user set, if any.</param>
public sealed record PasswordRequired(string? Hint) : SignInResult;
