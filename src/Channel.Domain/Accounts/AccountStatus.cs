namespace Channel.Domain.Accounts;

/// <summary>Where a Telegram account is in its life. Stored by name: never renumber or rename members.</summary>
public enum AccountStatus
{
    /// <summary>Created; no login started.</summary>
    Pending,

    /// <summary>Telegram sent a login code; waiting for it.</summary>
    CodeSent,

    /// <summary>The code was accepted and the account has two-step verification: waiting for the password.</summary>
    PasswordRequired,

    /// <summary>Logged in; the session is live.</summary>
    Active,

    /// <summary>We logged the session out; a new login is needed.</summary>
    LoggedOut,

    /// <summary>Telegram ended the session (revoked from another device, key unregistered); a new login is needed.</summary>
    SessionRevoked,

    /// <summary>Telegram banned the number. Only deletion remains.</summary>
    Banned,

    /// <summary>The Telegram account was deleted or deactivated. Only deletion remains.</summary>
    Deactivated,
}
