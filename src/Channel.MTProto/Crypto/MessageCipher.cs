using System.Security.Cryptography;

namespace Channel.MTProto.Crypto;

/// <summary>
/// The encrypted-message body of MTProto 2.0: msg_key over the padded plaintext, then AES-256-IGE with the
/// key and IV derived from it. Framing (auth_key_id ‖ msg_key ‖ ciphertext) and the plaintext layout
/// (salt, session_id, msg_id, seq_no, length, body, 12..1024 padding bytes) belong to the session layer.
/// </summary>
internal static class MessageCipher
{
    /// <summary>Encrypts <paramref name="plaintext"/> (already padded to a multiple of 16).</summary>
    /// <param name="x">The sender's direction: <see cref="MessageKey.ClientToServer"/> or <see cref="MessageKey.ServerToClient"/>.</param>
    public static void Encrypt(ReadOnlySpan<byte> authKey, int x, ReadOnlySpan<byte> plaintext, Span<byte> msgKey, Span<byte> ciphertext)
    {
        MessageKey.Compute(authKey, plaintext, x, msgKey);
        ApplyIge(authKey, x, msgKey, plaintext, ciphertext, encrypt: true);
    }

    /// <summary>
    /// Decrypts and re-checks msg_key over the whole decrypted plaintext (padding included, as MTProto 2.0 requires).
    /// </summary>
    /// <returns>False when the ciphertext length is not a multiple of 16 or msg_key does not match; the caller drops
    /// the packet (and, per the spec, should close the connection rather than tell the peer why).</returns>
    public static bool TryDecrypt(ReadOnlySpan<byte> authKey, int x, ReadOnlySpan<byte> msgKey, ReadOnlySpan<byte> ciphertext, Span<byte> plaintext)
    {
        if (ciphertext.Length == 0 || ciphertext.Length % AesIge.BlockSize != 0 || msgKey.Length != MessageKey.Size)
        {
            return false;
        }

        ApplyIge(authKey, x, msgKey, ciphertext, plaintext, encrypt: false);
        Span<byte> expected = stackalloc byte[MessageKey.Size];
        MessageKey.Compute(authKey, plaintext[..ciphertext.Length], x, expected);
        return CryptographicOperations.FixedTimeEquals(expected, msgKey);
    }

    private static void ApplyIge(ReadOnlySpan<byte> authKey, int x, ReadOnlySpan<byte> msgKey, ReadOnlySpan<byte> input, Span<byte> output, bool encrypt)
    {
        Span<byte> aesKey = stackalloc byte[32];
        Span<byte> aesIv = stackalloc byte[32];
        MessageKey.DeriveAesKeyIv(authKey, msgKey, x, aesKey, aesIv);
        if (encrypt)
        {
            AesIge.Encrypt(aesKey, aesIv, input, output);
        }
        else
        {
            AesIge.Decrypt(aesKey, aesIv, input, output);
        }

        CryptographicOperations.ZeroMemory(aesKey);
        CryptographicOperations.ZeroMemory(aesIv);
    }
}
