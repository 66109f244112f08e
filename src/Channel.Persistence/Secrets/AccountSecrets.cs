using Channel.Domain.Accounts;

namespace Channel.Persistence.Secrets;

/// <summary>
/// The encrypted secrets of one account, in their own row so that reading accounts never loads them.
/// Columns hold DataProtection ciphertext only; <see cref="AccountSecretStore"/> is the one place that reads or writes them.
/// </summary>
internal sealed class AccountSecrets
{
    public required TelegramAccountId AccountId { get; init; }

    public required byte[] ApiHash { get; set; }

    /// <summary>The MTProto session blob (auth keys per DC, salts, update state), null until a login creates one.</summary>
    public byte[]? Session { get; set; }

    /// <summary>
    /// Incremented by every session write (save or delete): a writer that read version N saves only if the row is
    /// still at N (<see cref="AccountSecretStore.SaveSessionAsync(TelegramAccountId, ReadOnlyMemory{byte}, long, CancellationToken)"/>).
    /// </summary>
    public long SessionVersion { get; set; }

    /// <summary>Which purpose-string scheme protected the columns; lets a later scheme re-protect old rows.</summary>
    public required int ProtectorVersion { get; set; }

    public required DateTimeOffset UpdatedAt { get; set; }
}
