using System.Globalization;
using Channel.Domain.Accounts.Events;
using Channel.Domain.Common;

namespace Channel.Domain.Accounts;

/// <summary>
/// A Telegram user account that a helpdesk tenant connects through us. Owns the login state machine:
/// <code>
/// Pending ─SendCode→ CodeSent ─code ok→ Active ─LogOut→ LoggedOut ─SendCode→ CodeSent …
///                     │  ↺ SendCode       ↑      └Telegram revoked→ SessionRevoked ─SendCode→ CodeSent …
///                     └─2FA→ PasswordRequired ─password ok→ Active
/// CodeSent / PasswordRequired ─CancelLogin→ Pending;  any non-final ─→ Banned | Deactivated (final)
/// </code>
/// Every illegal move throws <see cref="DomainException"/> with reason <see cref="IllegalTransitionReason"/>.
/// The api_hash and the MTProto session are not part of the aggregate: the secret store keeps them encrypted.
/// </summary>
public sealed class TelegramAccount : AggregateRoot
{
    public const string IllegalTransitionReason = "ACCOUNT_STATE_INVALID";
    public const int MaxDisplayNameLength = 128;

    private static readonly AccountStatus[] CanSendCodeFrom =
        [AccountStatus.Pending, AccountStatus.CodeSent, AccountStatus.LoggedOut, AccountStatus.SessionRevoked];

    private TelegramAccount(
        TelegramAccountId id, HelpdeskAccountId helpdeskAccountId, PhoneNumber phoneNumber, int apiId,
        string displayName, DateTimeOffset createdAt)
    {
        Id = id;
        HelpdeskAccountId = helpdeskAccountId;
        PhoneNumber = phoneNumber;
        ApiId = apiId;
        DisplayName = displayName;
        Status = AccountStatus.Pending;
        CreatedAt = createdAt;
        UpdatedAt = createdAt;
    }

    // For the ORM: it sets every property from the row.
#pragma warning disable CS8618
    private TelegramAccount()
    {
    }
#pragma warning restore CS8618

    public TelegramAccountId Id { get; private set; }

    public HelpdeskAccountId HelpdeskAccountId { get; private set; }

    public PhoneNumber PhoneNumber { get; private set; }

    /// <summary>The Telegram application id used to log in. Its hash is kept by the secret store.</summary>
    public int ApiId { get; private set; }

    public string DisplayName { get; private set; }

    public AccountStatus Status { get; private set; }

    /// <summary>Known after the first successful login.</summary>
    public TelegramIdentity? Identity { get; private set; }

    /// <summary>The data centre that holds the account ("home" DC), known after a successful login.</summary>
    public int? MainDcId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>True when only deletion remains (Telegram banned or deactivated the account).</summary>
    public bool IsFinal => Status is AccountStatus.Banned or AccountStatus.Deactivated;

    public static TelegramAccount Create(
        HelpdeskAccountId helpdeskAccountId, PhoneNumber phoneNumber, ApiCredentials credentials, string displayName,
        TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(phoneNumber);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(time);
        if (!IsValidDisplayName(displayName))
        {
            throw new ArgumentException(
                $"The display name must be 1 to {MaxDisplayNameLength} characters and not blank.", nameof(displayName));
        }

        var now = time.GetUtcNow();
        var account = new TelegramAccount(
            TelegramAccountId.New(time), helpdeskAccountId, phoneNumber, credentials.ApiId, displayName.Trim(), now);
        account.Record(new TelegramAccountCreated(account.Id, helpdeskAccountId, now));
        return account;
    }

    public static bool IsValidDisplayName(string? displayName) =>
        !string.IsNullOrWhiteSpace(displayName) && displayName.Trim().Length <= MaxDisplayNameLength;

    /// <summary>Telegram accepted auth.sendCode: a (new) code is on its way.</summary>
    public void RecordCodeSent(TimeProvider time)
    {
        var previous = Status;
        EnsureStatus("send a login code", CanSendCodeFrom);
        var now = MoveTo(AccountStatus.CodeSent, time);
        Record(new LoginCodeSent(Id, previous, now));
    }

    /// <summary>The login in progress was abandoned; a new SendCode starts over.</summary>
    public void CancelLogin(TimeProvider time)
    {
        EnsureStatus("cancel the login", AccountStatus.CodeSent, AccountStatus.PasswordRequired);
        var now = MoveTo(AccountStatus.Pending, time);
        Record(new LoginCancelled(Id, now));
    }

    /// <summary>The code was right and the account has no two-step verification: logged in.</summary>
    public void AcceptCode(TelegramIdentity identity, int mainDcId, TimeProvider time)
    {
        EnsureStatus("accept a login code", AccountStatus.CodeSent);
        Activate(identity, mainDcId, time);
    }

    /// <summary>The code was right but the account has two-step verification: a password is needed.</summary>
    public void RequirePassword(TimeProvider time)
    {
        EnsureStatus("ask for the two-step verification password", AccountStatus.CodeSent);
        var now = MoveTo(AccountStatus.PasswordRequired, time);
        Record(new PasswordRequired(Id, now));
    }

    /// <summary>The two-step verification password was right: logged in.</summary>
    public void AcceptPassword(TelegramIdentity identity, int mainDcId, TimeProvider time)
    {
        EnsureStatus("accept the two-step verification password", AccountStatus.PasswordRequired);
        Activate(identity, mainDcId, time);
    }

    /// <summary>We logged the session out (auth.logOut).</summary>
    public void LogOut(TimeProvider time)
    {
        EnsureStatus("log out", AccountStatus.Active);
        var now = MoveTo(AccountStatus.LoggedOut, time);
        Record(new TelegramAccountLoggedOut(Id, now));
    }

    /// <summary>
    /// Telegram ended the session (AUTH_KEY_UNREGISTERED, SESSION_REVOKED…); a new login is needed.
    /// <paramref name="reason"/> is Telegram's error name, when Telegram said one.
    /// </summary>
    public void RevokeSession(TimeProvider time, string? reason = null)
    {
        EnsureStatus("mark the session revoked", AccountStatus.Active);
        var now = MoveTo(AccountStatus.SessionRevoked, time);
        Record(new TelegramSessionRevoked(Id, now, NullIfBlank(reason)));
    }

    /// <summary>Telegram banned the number (PHONE_NUMBER_BANNED, USER_DEACTIVATED_BAN); <paramref name="reason"/> is Telegram's error name.</summary>
    public void MarkBanned(TimeProvider time, string? reason = null)
    {
        var previous = Status;
        EnsureNotFinal("mark the account banned");
        var now = MoveTo(AccountStatus.Banned, time);
        Record(new TelegramAccountBanned(Id, previous, now, NullIfBlank(reason)));
    }

    /// <summary>The Telegram account no longer exists (USER_DEACTIVATED); <paramref name="reason"/> is Telegram's error name.</summary>
    public void MarkDeactivated(TimeProvider time, string? reason = null)
    {
        var previous = Status;
        EnsureNotFinal("mark the account deactivated");
        var now = MoveTo(AccountStatus.Deactivated, time);
        Record(new TelegramAccountDeactivated(Id, previous, now, NullIfBlank(reason)));
    }

    /// <summary>Records the deletion; allowed in every status. The caller removes the row and its secrets.</summary>
    public void MarkDeleted(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        Record(new TelegramAccountDeleted(Id, HelpdeskAccountId, time.GetUtcNow()));
    }

    private void Activate(TelegramIdentity identity, int mainDcId, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(mainDcId);
        Identity = identity;
        MainDcId = mainDcId;
        var now = MoveTo(AccountStatus.Active, time);
        Record(new TelegramAccountActivated(Id, identity.UserId, mainDcId, now));
    }

    private static string? NullIfBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private DateTimeOffset MoveTo(AccountStatus status, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        Status = status;
        UpdatedAt = time.GetUtcNow();
        return UpdatedAt;
    }

    private void EnsureNotFinal(string action)
    {
        if (IsFinal)
        {
            throw IllegalTransition(action, "only deletion is possible");
        }
    }

    private void EnsureStatus(string action, params ReadOnlySpan<AccountStatus> allowed)
    {
        if (!allowed.Contains(Status))
        {
            var names = new string[allowed.Length];
            for (var i = 0; i < allowed.Length; i++)
            {
                names[i] = allowed[i].ToString();
            }

            throw IllegalTransition(action, $"allowed only from {string.Join(", ", names)}");
        }
    }

    private DomainException IllegalTransition(string action, string rule) =>
        new(
            IllegalTransitionReason,
            string.Create(CultureInfo.InvariantCulture, $"Cannot {action}: Telegram account {Id} is {Status} ({rule})."),
            new Dictionary<string, string>
            {
                ["account_id"] = Id.ToString(),
                ["status"] = Status.ToString(),
                ["action"] = action,
            });
}
