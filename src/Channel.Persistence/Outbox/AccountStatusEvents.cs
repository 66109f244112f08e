using System.Text.Json;
using Channel.Contracts;
using Channel.Domain.Accounts;
using Channel.Domain.Accounts.Events;
using Channel.Domain.Common;

namespace Channel.Persistence.Outbox;

/// <summary>
/// Turns an account's domain events into <see cref="AccountStatusChanged"/> outbox rows: every event that puts the
/// account in a status (created → Pending, code sent, password required, login cancelled → Pending, activated,
/// logged out, session revoked, banned, deactivated) plus the deletion ("Deleted").
/// </summary>
internal static class AccountStatusEvents
{
    public static (AccountStatus? Status, string? Reason)? StatusOf(IDomainEvent domainEvent) => domainEvent switch
    {
        TelegramAccountCreated => (AccountStatus.Pending, null),
        LoginCodeSent => (AccountStatus.CodeSent, null),
        PasswordRequired => (AccountStatus.PasswordRequired, null),
        LoginCancelled => (AccountStatus.Pending, null),
        TelegramAccountActivated => (AccountStatus.Active, null),
        TelegramAccountLoggedOut => (AccountStatus.LoggedOut, null),
        TelegramSessionRevoked revoked => (AccountStatus.SessionRevoked, revoked.Reason),
        TelegramAccountBanned banned => (AccountStatus.Banned, banned.Reason),
        TelegramAccountDeactivated deactivated => (AccountStatus.Deactivated, deactivated.Reason),
        TelegramAccountDeleted => (null, null),
        _ => null,
    };

    /// <summary>
    /// Stages the rows for <paramref name="account"/>'s events, starting from <paramref name="statusBefore"/> (the
    /// stored status, null for a new account), and returns the changes to tell the listeners after the commit.
    /// </summary>
    public static List<CommittedAccountChange> Stage(
        ChannelDbContext db, TelegramAccount account, AccountStatus? statusBefore, List<OutboxMessage> staged)
    {
        var changes = new List<CommittedAccountChange>();
        var previous = statusBefore?.ToString();
        foreach (var domainEvent in account.DomainEvents)
        {
            if (StatusOf(domainEvent) is not var (status, reason))
            {
                continue;
            }

            var statusName = status?.ToString() ?? AccountStatusChanged.DeletedStatus;
            var contract = new AccountStatusChanged
            {
                // A fresh id per status change: the row is written exactly once, in the save that made the change.
                EventId = Guid.CreateVersion7(domainEvent.OccurredAt),
                AccountId = account.Id.Value,
                HelpdeskAccountId = account.HelpdeskAccountId.Value,
                Status = statusName,
                PreviousStatus = previous,
                Reason = reason,
                OccurredAt = domainEvent.OccurredAt,
            };
            var row = new OutboxMessage
            {
                MessageId = contract.EventId,
                AccountId = account.Id.Value,
                MessageType = nameof(AccountStatusChanged),
                Body = JsonSerializer.Serialize(contract, OutboxMessageTypes.JsonOptions),
                CreatedAt = domainEvent.OccurredAt,
                AvailableAt = domainEvent.OccurredAt,
            };
            db.OutboxMessages.Add(row);
            staged.Add(row);
            changes.Add(new CommittedAccountChange(account.Id, status));
            previous = statusName;
        }

        return changes;
    }
}
