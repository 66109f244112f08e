namespace Channel.Domain.Accounts;

/// <summary>No Telegram account has this id.</summary>
public sealed class AccountNotFoundException(TelegramAccountId accountId)
    : Exception($"Telegram account {accountId} does not exist.")
{
    public TelegramAccountId AccountId { get; } = accountId;
}
