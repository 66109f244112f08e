using Channel.Domain.Common;

namespace Channel.Domain.Accounts.Events;

// One record per fact in an account's life. They carry ids and statuses, never secrets or full phone numbers.

public sealed record TelegramAccountCreated(TelegramAccountId AccountId, HelpdeskAccountId HelpdeskAccountId, DateTimeOffset OccurredAt)
    : IDomainEvent;

public sealed record LoginCodeSent(TelegramAccountId AccountId, AccountStatus PreviousStatus, DateTimeOffset OccurredAt) : IDomainEvent;

public sealed record LoginCancelled(TelegramAccountId AccountId, DateTimeOffset OccurredAt) : IDomainEvent;

public sealed record PasswordRequired(TelegramAccountId AccountId, DateTimeOffset OccurredAt) : IDomainEvent;

public sealed record TelegramAccountActivated(TelegramAccountId AccountId, long TelegramUserId, int MainDcId, DateTimeOffset OccurredAt)
    : IDomainEvent;

public sealed record TelegramAccountLoggedOut(TelegramAccountId AccountId, DateTimeOffset OccurredAt) : IDomainEvent;

/// <summary>Telegram ended the session; <paramref name="Reason"/> is Telegram's error name (SESSION_REVOKED…) when known.</summary>
public sealed record TelegramSessionRevoked(TelegramAccountId AccountId, DateTimeOffset OccurredAt, string? Reason = null) : IDomainEvent;

/// <summary>Telegram banned the number; <paramref name="Reason"/> is Telegram's error name when known.</summary>
public sealed record TelegramAccountBanned(TelegramAccountId AccountId, AccountStatus PreviousStatus, DateTimeOffset OccurredAt, string? Reason = null)
    : IDomainEvent;

/// <summary>The Telegram account no longer exists; <paramref name="Reason"/> is Telegram's error name when known.</summary>
public sealed record TelegramAccountDeactivated(TelegramAccountId AccountId, AccountStatus PreviousStatus, DateTimeOffset OccurredAt, string? Reason = null)
    : IDomainEvent;

public sealed record TelegramAccountDeleted(TelegramAccountId AccountId, HelpdeskAccountId HelpdeskAccountId, DateTimeOffset OccurredAt)
    : IDomainEvent;
