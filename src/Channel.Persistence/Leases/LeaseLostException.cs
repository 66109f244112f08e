using System.Globalization;
using Channel.Domain.Accounts;

namespace Channel.Persistence.Leases;

/// <summary>
/// A fenced write found that this replica no longer holds the account's lease (it expired, was released, or another
/// replica took it over): the transaction is rolled back and the account's worker must stop.
/// </summary>
public sealed class LeaseLostException(Lease lease)
    : Exception(string.Create(
        CultureInfo.InvariantCulture,
        $"The lease of account {lease.AccountId} (token {lease.Token}) is no longer held by this replica: the write was not made."))
{
    public TelegramAccountId AccountId { get; } = lease.AccountId;

    public long Token { get; } = lease.Token;
}
