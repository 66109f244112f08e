namespace Channel.Persistence.Audit;

/// <summary>What happened in an account's onboarding. Stored by name: never rename members.</summary>
public enum OnboardingEvent
{
    CodeRequested,
    CodeResent,
    CodeWrong,
    CodeExpired,
    PasswordRequired,
    PasswordWrong,
    Activated,
    LoginCancelled,
    LoginFailed,
    LoggedOut,

    /// <summary>Telegram ended the session of an Active account (revoked from another device, key forgotten…).</summary>
    SessionRevoked,

    /// <summary>Telegram banned a logged-in account (USER_DEACTIVATED_BAN).</summary>
    AccountBanned,

    /// <summary>The Telegram account of a logged-in account was deleted (USER_DEACTIVATED).</summary>
    AccountDeactivated,
}

/// <summary>How the step ended. Stored by name.</summary>
public enum OnboardingOutcome
{
    /// <summary>Telegram (and we) accepted the step.</summary>
    Succeeded,

    /// <summary>Telegram refused it, or could not be reached.</summary>
    Failed,

    /// <summary>Our own policy refused it before Telegram was asked (rate limit, attempt limit).</summary>
    Rejected,

    /// <summary>Telegram did it on its own and we noticed (a revoked session, a ban): no step of ours asked for it.</summary>
    Observed,
}

/// <summary>
/// One row of the append-only onboarding audit: who (tenant, account), when, what and how it ended, and why (a
/// Telegram error name or our own reason). Never codes, passwords, hashes, sessions or phone numbers. Rows outlive
/// the account they describe (no foreign key), so deletions stay on record.
/// </summary>
public sealed class OnboardingAuditRecord
{
    public const int MaxReasonLength = 64;

    public long Id { get; private set; }

    public required long HelpdeskAccountId { get; init; }

    public required Guid AccountId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required OnboardingEvent Event { get; init; }

    public required OnboardingOutcome Outcome { get; init; }

    /// <summary>UPPER_SNAKE_CASE: a Telegram error name (FLOOD_WAIT, PHONE_CODE_INVALID) or ours (SEND_CODE_RATE_LIMITED).</summary>
    public string? Reason { get; init; }
}
