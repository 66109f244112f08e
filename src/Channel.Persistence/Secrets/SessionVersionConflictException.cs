using System.Globalization;
using Channel.Domain.Accounts;

namespace Channel.Persistence.Secrets;

/// <summary>Another writer stored or deleted the account's session since the caller read it.</summary>
public sealed class SessionVersionConflictException(TelegramAccountId accountId, long expectedVersion, long actualVersion)
    : Exception(string.Create(
        CultureInfo.InvariantCulture,
        $"The session of account {accountId} is at version {actualVersion}, not {expectedVersion}: another writer changed it."))
{
    public TelegramAccountId AccountId { get; } = accountId;

    public long ExpectedVersion { get; } = expectedVersion;

    public long ActualVersion { get; } = actualVersion;
}
