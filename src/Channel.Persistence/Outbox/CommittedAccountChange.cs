using Channel.Domain.Accounts;

namespace Channel.Persistence.Outbox;

/// <summary>A status change saved by a SaveChanges, told to the listeners once it has committed. Null status: deleted.</summary>
internal readonly record struct CommittedAccountChange(TelegramAccountId AccountId, AccountStatus? Status);
