using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Channel.MTProto.Crypto;

/// <summary>
/// Values derived during and after the auth-key exchange (/mtproto/auth_key), the same on both sides.
/// 64-bit values are returned as the <see cref="long"/> that TL writes little-endian, so the wire bytes
/// are the hash bytes in order.
/// </summary>
internal static class AuthKeyDerivation
{
    public const int AuthKeySize = 256;
    public const int NonceSize = 16;
    public const int NewNonceSize = 32;

    /// <summary>auth_key_id: the low 64 bits of SHA1(auth_key), i.e. hash bytes 12..20.</summary>
    public static long ComputeAuthKeyId(ReadOnlySpan<byte> authKey)
    {
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(RequireAuthKey(authKey), hash);
        return BinaryPrimitives.ReadInt64LittleEndian(hash[12..]);
    }

    /// <summary>aux_hash: the high 64 bits of SHA1(auth_key), i.e. hash bytes 0..8; also the retry_id of a DH retry.</summary>
    public static long ComputeAuxHash(ReadOnlySpan<byte> authKey)
    {
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(RequireAuthKey(authKey), hash);
        return BinaryPrimitives.ReadInt64LittleEndian(hash);
    }

    /// <summary>
    /// new_nonce_hash1/2/3 for dh_gen_ok/retry/fail: the low 128 bits of SHA1(new_nonce ‖ N ‖ aux_hash).
    /// </summary>
    public static void ComputeNewNonceHash(ReadOnlySpan<byte> newNonce, byte number, ReadOnlySpan<byte> authKey, Span<byte> destination)
    {
        RequireLength(newNonce, NewNonceSize, nameof(newNonce));
        if (number is < 1 or > 3)
        {
            CryptoThrowHelper.ThrowArgument("new_nonce_hash is numbered 1, 2 or 3.", nameof(number));
        }

        Span<byte> input = stackalloc byte[NewNonceSize + 1 + 8];
        newNonce.CopyTo(input);
        input[NewNonceSize] = number;
        BinaryPrimitives.WriteInt64LittleEndian(input[(NewNonceSize + 1)..], ComputeAuxHash(authKey));
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(input, hash);
        hash[4..].CopyTo(destination);
    }

    /// <summary>The first server_salt: new_nonce[0:8] ⊕ server_nonce[0:8].</summary>
    public static long ComputeFirstSalt(ReadOnlySpan<byte> newNonce, ReadOnlySpan<byte> serverNonce)
    {
        RequireLength(newNonce, NewNonceSize, nameof(newNonce));
        RequireLength(serverNonce, NonceSize, nameof(serverNonce));
        return BinaryPrimitives.ReadInt64LittleEndian(newNonce) ^ BinaryPrimitives.ReadInt64LittleEndian(serverNonce);
    }

    /// <summary>
    /// The key and IV that protect server_DH_inner_data and client_DH_inner_data:
    /// tmp_aes_key = SHA1(nn ‖ sn) ‖ SHA1(sn ‖ nn)[0:12];
    /// tmp_aes_iv = SHA1(sn ‖ nn)[12:20] ‖ SHA1(nn ‖ nn) ‖ nn[0:4].
    /// </summary>
    public static void DeriveTempAesKeyIv(ReadOnlySpan<byte> newNonce, ReadOnlySpan<byte> serverNonce, Span<byte> aesKey, Span<byte> aesIv)
    {
        RequireLength(newNonce, NewNonceSize, nameof(newNonce));
        RequireLength(serverNonce, NonceSize, nameof(serverNonce));
        Span<byte> input = stackalloc byte[2 * NewNonceSize];
        Span<byte> newServer = stackalloc byte[SHA1.HashSizeInBytes];
        Span<byte> serverNew = stackalloc byte[SHA1.HashSizeInBytes];

        newNonce.CopyTo(input);
        serverNonce.CopyTo(input[NewNonceSize..]);
        SHA1.HashData(input[..(NewNonceSize + NonceSize)], newServer);

        serverNonce.CopyTo(input);
        newNonce.CopyTo(input[NonceSize..]);
        SHA1.HashData(input[..(NewNonceSize + NonceSize)], serverNew);

        newServer.CopyTo(aesKey);
        serverNew[..12].CopyTo(aesKey[20..]);

        serverNew[12..].CopyTo(aesIv);
        newNonce.CopyTo(input);
        newNonce.CopyTo(input[NewNonceSize..]);
        SHA1.HashData(input, aesIv[8..]);
        newNonce[..4].CopyTo(aesIv[28..]);
    }

    private static ReadOnlySpan<byte> RequireAuthKey(ReadOnlySpan<byte> authKey)
    {
        RequireLength(authKey, AuthKeySize, nameof(authKey));
        return authKey;
    }

    private static void RequireLength(ReadOnlySpan<byte> value, int length, string name)
    {
        if (value.Length != length)
        {
            CryptoThrowHelper.ThrowArgument($"Expected {length} bytes.", name);
        }
    }
}
