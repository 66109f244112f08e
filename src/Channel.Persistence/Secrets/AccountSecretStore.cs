using System.Security.Cryptography;
using System.Text;
using Channel.Domain.Accounts;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Channel.Persistence.Secrets;

/// <summary>
/// Keeps an account's api_hash and MTProto session encrypted at rest with DataProtection. Each secret is
/// protected under a purpose that includes the account id, so a ciphertext copied to another row does not decrypt.
/// Done here explicitly rather than in a value converter: the purpose needs the row's key, and converters
/// cannot see it (nor handle re-protection on key rotation).
/// </summary>
public sealed class AccountSecretStore(ChannelDbContext db, IDataProtectionProvider dataProtection, TimeProvider time)
{
    /// <summary>Root purpose; the version suffix changes if the purpose scheme ever does.</summary>
    public const string RootPurpose = "Channel.Accounts.v1";

    internal const int CurrentProtectorVersion = 1;
    private const string ApiHashPurpose = "ApiHash";
    private const string SessionPurpose = "Session";
    private const string PeerCachePurpose = "PeerCache";

    /// <summary>
    /// Stages the encrypted api_hash of a new account in the context; it is written by the caller's SaveChanges,
    /// in the same transaction as the account row.
    /// </summary>
    public void AddApiHash(TelegramAccountId accountId, ApiCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        db.AccountSecrets.Add(new AccountSecrets
        {
            AccountId = accountId,
            ApiHash = Protector(accountId, ApiHashPurpose).Protect(Encoding.ASCII.GetBytes(credentials.ApiHash)),
            ProtectorVersion = CurrentProtectorVersion,
            UpdatedAt = time.GetUtcNow(),
        });
    }

    /// <summary>The api_hash a login needs. Throws <see cref="AccountNotFoundException"/> for an unknown account.</summary>
    public async Task<string> GetApiHashAsync(TelegramAccountId accountId, CancellationToken cancellationToken)
    {
        var ciphertext = await db.AccountSecrets.AsNoTracking()
            .Where(s => s.AccountId == accountId)
            .Select(s => s.ApiHash)
            .SingleOrDefaultAsync(cancellationToken)
            ?? throw new AccountNotFoundException(accountId);
        return Encoding.ASCII.GetString(Protector(accountId, ApiHashPurpose).Unprotect(ciphertext));
    }

    /// <summary>Encrypts and stores the MTProto session blob, replacing any previous one.</summary>
    public async Task SaveSessionAsync(TelegramAccountId accountId, ReadOnlyMemory<byte> session, CancellationToken cancellationToken)
    {
        var ciphertext = ProtectSession(accountId, session.Span);
        var now = time.GetUtcNow();
        var updated = await db.AccountSecrets
            .Where(s => s.AccountId == accountId)
            .ExecuteUpdateAsync(
                setters => setters.SetProperty(s => s.Session, ciphertext).SetProperty(s => s.UpdatedAt, now)
                    .SetProperty(s => s.SessionVersion, s => s.SessionVersion + 1),
                cancellationToken);
        if (updated == 0)
        {
            throw new AccountNotFoundException(accountId);
        }
    }

    /// <summary>
    /// Optimistic variant for a long-lived writer: stores the session only if nobody wrote it since the caller read
    /// version <paramref name="expectedVersion"/> (<see cref="LoadVersionedSessionAsync"/>), and returns the new
    /// version. Throws <see cref="SessionVersionConflictException"/> otherwise (someone else logged in or out: reload).
    /// </summary>
    public async Task<long> SaveSessionAsync(
        TelegramAccountId accountId, ReadOnlyMemory<byte> session, long expectedVersion, CancellationToken cancellationToken)
    {
        var ciphertext = ProtectSession(accountId, session.Span);
        var now = time.GetUtcNow();
        var next = expectedVersion + 1;
        var updated = await db.AccountSecrets
            .Where(s => s.AccountId == accountId && s.SessionVersion == expectedVersion)
            .ExecuteUpdateAsync(
                setters => setters.SetProperty(s => s.Session, ciphertext).SetProperty(s => s.UpdatedAt, now).SetProperty(s => s.SessionVersion, next),
                cancellationToken);
        if (updated == 1)
        {
            return next;
        }

        var actual = await db.AccountSecrets.AsNoTracking()
            .Where(s => s.AccountId == accountId)
            .Select(s => (long?)s.SessionVersion)
            .SingleOrDefaultAsync(cancellationToken)
            ?? throw new AccountNotFoundException(accountId);
        throw new SessionVersionConflictException(accountId, expectedVersion, actual);
    }

    /// <summary>The decrypted session (null when none) with its version, for <see cref="SaveSessionAsync(TelegramAccountId, ReadOnlyMemory{byte}, long, CancellationToken)"/>.</summary>
    public async Task<VersionedSession> LoadVersionedSessionAsync(TelegramAccountId accountId, CancellationToken cancellationToken)
    {
        var row = await db.AccountSecrets.AsNoTracking()
            .Where(s => s.AccountId == accountId)
            .Select(s => new { s.Session, s.SessionVersion })
            .SingleOrDefaultAsync(cancellationToken)
            ?? throw new AccountNotFoundException(accountId);
        return new VersionedSession(row.Session is null ? null : Protector(accountId, SessionPurpose).Unprotect(row.Session), row.SessionVersion);
    }

    /// <summary>The decrypted session blob, or null when the account has none (never logged in, or logged out).</summary>
    public async Task<byte[]?> LoadSessionAsync(TelegramAccountId accountId, CancellationToken cancellationToken)
    {
        var row = await db.AccountSecrets.AsNoTracking()
            .Where(s => s.AccountId == accountId)
            .Select(s => new { s.Session })
            .SingleOrDefaultAsync(cancellationToken)
            ?? throw new AccountNotFoundException(accountId);
        return row.Session is null ? null : Protector(accountId, SessionPurpose).Unprotect(row.Session);
    }

    /// <summary>Forgets the session (after a log-out or a revocation). The api_hash stays for the next login.</summary>
    public async Task DeleteSessionAsync(TelegramAccountId accountId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var updated = await db.AccountSecrets
            .Where(s => s.AccountId == accountId)
            .ExecuteUpdateAsync(
                setters => setters.SetProperty(s => s.Session, (byte[]?)null).SetProperty(s => s.UpdatedAt, now)
                    .SetProperty(s => s.SessionVersion, s => s.SessionVersion + 1),
                cancellationToken);
        if (updated == 0)
        {
            throw new AccountNotFoundException(accountId);
        }
    }

    /// <summary>
    /// The account's peer cache (users and chats it met, with their phone numbers and access hashes) encrypted for
    /// AccountPeerCaches.Data: personal data, so it is at rest like the session.
    /// </summary>
    public byte[] ProtectPeerCache(TelegramAccountId accountId, byte[] peers) => Protector(accountId, PeerCachePurpose).Protect(peers);

    /// <summary>The decrypted peer cache; null when it cannot be decrypted (for example a row written before it was encrypted).</summary>
    public byte[]? UnprotectPeerCache(TelegramAccountId accountId, byte[] ciphertext)
    {
        try
        {
            return Protector(accountId, PeerCachePurpose).Unprotect(ciphertext);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private byte[] ProtectSession(TelegramAccountId accountId, ReadOnlySpan<byte> session)
    {
        var plaintext = session.ToArray();
        try
        {
            return Protector(accountId, SessionPurpose).Protect(plaintext);
        }
        finally
        {
            // Auth keys: do not leave an extra copy on the heap longer than needed.
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    private IDataProtector Protector(TelegramAccountId accountId, string secret) =>
        dataProtection.CreateProtector(RootPurpose, secret, accountId.ToString());
}
