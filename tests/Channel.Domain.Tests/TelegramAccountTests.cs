using Channel.Domain.Accounts;
using Channel.Domain.Accounts.Events;
using Microsoft.Extensions.Time.Testing;

namespace Channel.Domain.Tests;

public sealed class TelegramAccountTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero));

    [Fact]
    public void Create_ValidInput_IsPendingWithTimestampsFromClockAndCreatedEvent()
    {
        var account = AccountFactory.Create(_time);

        Assert.Equal(AccountStatus.Pending, account.Status);
        Assert.Equal(_time.GetUtcNow(), account.CreatedAt);
        Assert.Equal(_time.GetUtcNow(), account.UpdatedAt);
        Assert.Equal(42, account.HelpdeskAccountId.Value);
        Assert.Equal(12345, account.ApiId);
        Assert.Equal("+99966123434", account.PhoneNumber.E164);
        Assert.Null(account.Identity);
        Assert.Null(account.MainDcId);
        var created = Assert.IsType<TelegramAccountCreated>(Assert.Single(account.DomainEvents));
        Assert.Equal(account.Id, created.AccountId);
    }

    [Fact]
    public void Create_IdFromClock_IsVersion7Guid()
    {
        var account = AccountFactory.Create(_time);

        Assert.Equal(7, account.Id.Value.Version);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Create_BlankDisplayName_Throws(string displayName)
    {
        Assert.Throws<ArgumentException>(() => TelegramAccount.Create(
            new HelpdeskAccountId(1), PhoneNumber.FromE164("+4915112345678"),
            new ApiCredentials(1, new string('a', 32)), displayName, _time));
    }

    [Fact]
    public void Create_DisplayNameTooLong_Throws()
    {
        var name = new string('x', TelegramAccount.MaxDisplayNameLength + 1);

        Assert.False(TelegramAccount.IsValidDisplayName(name));
        Assert.Throws<ArgumentException>(() => TelegramAccount.Create(
            new HelpdeskAccountId(1), PhoneNumber.FromE164("+4915112345678"),
            new ApiCredentials(1, new string('a', 32)), name, _time));
    }

    [Fact]
    public void AcceptPassword_AfterPasswordRequired_RecordsIdentityAndMainDc()
    {
        var account = AccountFactory.InStatus(AccountStatus.PasswordRequired, _time);
        var identity = new TelegramIdentity(5, " alice ", "Alice", null);

        account.AcceptPassword(identity, 4, _time);

        Assert.Equal(AccountStatus.Active, account.Status);
        Assert.Equal(identity, account.Identity);
        Assert.Equal("alice", account.Identity!.Username);
        Assert.Equal(4, account.MainDcId);
        var activated = Assert.IsType<TelegramAccountActivated>(Assert.Single(account.DomainEvents));
        Assert.Equal(5, activated.TelegramUserId);
        Assert.Equal(4, activated.MainDcId);
    }

    [Fact]
    public void FullLifecycle_RelogAfterRevocation_ReachesActiveAgain()
    {
        var account = AccountFactory.InStatus(AccountStatus.SessionRevoked, _time);

        account.RecordCodeSent(_time);
        account.AcceptCode(AccountFactory.Identity, 2, _time);

        Assert.Equal(AccountStatus.Active, account.Status);
        Assert.Equal(2, account.DomainEvents.Count);
    }

    [Theory]
    [InlineData(AccountStatus.Pending)]
    [InlineData(AccountStatus.Active)]
    [InlineData(AccountStatus.Banned)]
    [InlineData(AccountStatus.Deactivated)]
    public void MarkDeleted_AnyStatus_RecordsDeletedEvent(AccountStatus status)
    {
        var account = AccountFactory.InStatus(status, _time);

        account.MarkDeleted(_time);

        var deleted = Assert.IsType<TelegramAccountDeleted>(Assert.Single(account.DomainEvents));
        Assert.Equal(account.Id, deleted.AccountId);
    }

    [Fact]
    public void ClearDomainEvents_AfterActions_EmptiesTheList()
    {
        var account = AccountFactory.Create(_time);
        account.RecordCodeSent(_time);

        account.ClearDomainEvents();

        Assert.Empty(account.DomainEvents);
    }
}
