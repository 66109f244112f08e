using Channel.Domain.Accounts;
using Channel.Domain.Accounts.Events;
using Channel.Domain.Common;
using Microsoft.Extensions.Time.Testing;

namespace Channel.Domain.Tests;

/// <summary>Every action tried from every status: legal moves land on the right status, the rest throw.</summary>
public sealed class TelegramAccountTransitionTests
{
    private static readonly AccountStatus[] AllStatuses = Enum.GetValues<AccountStatus>();

    private static readonly AccountStatus[] NonFinal =
    [
        AccountStatus.Pending, AccountStatus.CodeSent, AccountStatus.PasswordRequired, AccountStatus.Active,
        AccountStatus.LoggedOut, AccountStatus.SessionRevoked,
    ];

    /// <summary>action → (allowed source statuses, resulting status, event type).</summary>
    private static readonly Dictionary<string, (AccountStatus[] From, AccountStatus To, Type Event)> Rules = new()
    {
        ["SendCode"] = ([AccountStatus.Pending, AccountStatus.CodeSent, AccountStatus.LoggedOut, AccountStatus.SessionRevoked],
            AccountStatus.CodeSent, typeof(LoginCodeSent)),
        ["CancelLogin"] = ([AccountStatus.CodeSent, AccountStatus.PasswordRequired], AccountStatus.Pending, typeof(LoginCancelled)),
        ["AcceptCode"] = ([AccountStatus.CodeSent], AccountStatus.Active, typeof(TelegramAccountActivated)),
        ["RequirePassword"] = ([AccountStatus.CodeSent], AccountStatus.PasswordRequired, typeof(PasswordRequired)),
        ["AcceptPassword"] = ([AccountStatus.PasswordRequired], AccountStatus.Active, typeof(TelegramAccountActivated)),
        ["LogOut"] = ([AccountStatus.Active], AccountStatus.LoggedOut, typeof(TelegramAccountLoggedOut)),
        ["RevokeSession"] = ([AccountStatus.Active], AccountStatus.SessionRevoked, typeof(TelegramSessionRevoked)),
        ["MarkBanned"] = (NonFinal, AccountStatus.Banned, typeof(TelegramAccountBanned)),
        ["MarkDeactivated"] = (NonFinal, AccountStatus.Deactivated, typeof(TelegramAccountDeactivated)),
    };

    public static TheoryData<string, AccountStatus> LegalTransitions()
    {
        var data = new TheoryData<string, AccountStatus>();
        foreach (var (action, rule) in Rules)
        {
            foreach (var from in rule.From)
            {
                data.Add(action, from);
            }
        }

        return data;
    }

    public static TheoryData<string, AccountStatus> IllegalTransitions()
    {
        var data = new TheoryData<string, AccountStatus>();
        foreach (var (action, rule) in Rules)
        {
            foreach (var from in AllStatuses.Except(rule.From))
            {
                data.Add(action, from);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(LegalTransitions))]
    public void Action_FromAllowedStatus_MovesToTargetAndRecordsEvent(string action, AccountStatus from)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var account = AccountFactory.InStatus(from, time);
        time.Advance(TimeSpan.FromMinutes(5));

        Apply(account, action, time);

        var rule = Rules[action];
        Assert.Equal(rule.To, account.Status);
        Assert.Equal(time.GetUtcNow(), account.UpdatedAt);
        var recorded = Assert.Single(account.DomainEvents);
        Assert.IsType(rule.Event, recorded);
        Assert.Equal(time.GetUtcNow(), recorded.OccurredAt);
    }

    [Theory]
    [MemberData(nameof(IllegalTransitions))]
    public void Action_FromForbiddenStatus_ThrowsDomainExceptionAndChangesNothing(string action, AccountStatus from)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var account = AccountFactory.InStatus(from, time);
        var updatedAt = account.UpdatedAt;
        time.Advance(TimeSpan.FromMinutes(5));

        var error = Assert.Throws<DomainException>(() => Apply(account, action, time));

        Assert.Equal(TelegramAccount.IllegalTransitionReason, error.Reason);
        Assert.Contains(from.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains(account.Id.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Equal(from.ToString(), error.Metadata["status"]);
        Assert.Equal(from, account.Status);
        Assert.Equal(updatedAt, account.UpdatedAt);
        Assert.Empty(account.DomainEvents);
    }

    [Fact]
    public void Rules_CoverEveryStatus_AsSourceOfSomeLegalMove()
    {
        // Guards the table itself: Banned and Deactivated are the only statuses nothing leaves.
        var sources = Rules.Values.SelectMany(r => r.From).ToHashSet();
        Assert.Equal(NonFinal.Order(), sources.Order());
    }

    private static void Apply(TelegramAccount account, string action, TimeProvider time)
    {
        switch (action)
        {
            case "SendCode": account.RecordCodeSent(time); break;
            case "CancelLogin": account.CancelLogin(time); break;
            case "AcceptCode": account.AcceptCode(AccountFactory.Identity, 4, time); break;
            case "RequirePassword": account.RequirePassword(time); break;
            case "AcceptPassword": account.AcceptPassword(AccountFactory.Identity, 4, time); break;
            case "LogOut": account.LogOut(time); break;
            case "RevokeSession": account.RevokeSession(time); break;
            case "MarkBanned": account.MarkBanned(time); break;
            case "MarkDeactivated": account.MarkDeactivated(time); break;
            default: throw new ArgumentOutOfRangeException(nameof(action), action, null);
        }
    }
}
