using Channel.Domain.Accounts;
using Microsoft.Extensions.Time.Testing;

namespace Channel.Domain.Tests;

/// <summary>Builds accounts and drives them into any status along legal paths.</summary>
internal static class AccountFactory
{
    public static readonly TelegramIdentity Identity = new(777000, "support_bot", "Ada", "Lovelace");

    public static TelegramAccount Create(FakeTimeProvider time) =>
        TelegramAccount.Create(
            new HelpdeskAccountId(42), PhoneNumber.FromE164("+99966123434"),
            new ApiCredentials(12345, "0123456789abcdef0123456789abcdef"), "Support line", time);

    public static TelegramAccount InStatus(AccountStatus status, FakeTimeProvider time)
    {
        var account = Create(time);
        switch (status)
        {
            case AccountStatus.Pending:
                break;
            case AccountStatus.CodeSent:
                account.RecordCodeSent(time);
                break;
            case AccountStatus.PasswordRequired:
                account.RecordCodeSent(time);
                account.RequirePassword(time);
                break;
            case AccountStatus.Active:
                account.RecordCodeSent(time);
                account.AcceptCode(Identity, 2, time);
                break;
            case AccountStatus.LoggedOut:
                account.RecordCodeSent(time);
                account.AcceptCode(Identity, 2, time);
                account.LogOut(time);
                break;
            case AccountStatus.SessionRevoked:
                account.RecordCodeSent(time);
                account.AcceptCode(Identity, 2, time);
                account.RevokeSession(time);
                break;
            case AccountStatus.Banned:
                account.MarkBanned(time);
                break;
            case AccountStatus.Deactivated:
                account.MarkDeactivated(time);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(status), status, null);
        }

        Assert.Equal(status, account.Status);
        account.ClearDomainEvents();
        return account;
    }
}
