using System.Numerics;
using System.Security.Cryptography;

namespace Channel.MTProto.Crypto;

/// <summary>
/// The RSA_PAD scheme of MTProto 2.0 (/mtproto/auth_key, step 4) for p_q_inner_data, both directions.
/// </summary>
internal static class RsaPad
{
    public const int MaxDataLength = 144;
    internal const int PaddedLength = 192;
    private const int TempKeySize = 32;
    private const int HashSize = 32;
    private const int AesPartLength = PaddedLength + HashSize;

    /// <summary>
    /// data_with_padding = data ‖ random to 192 bytes; data_with_hash = reverse(data_with_padding) ‖
    /// SHA256(temp_key ‖ data_with_padding); aes_encrypted = IGE(temp_key, zero IV); the block is
    /// (temp_key ⊕ SHA256(aes_encrypted)) ‖ aes_encrypted, retried with a new temp_key while it is ≥ n.
    /// </summary>
    public static byte[] Encrypt(ReadOnlySpan<byte> data, RsaPublicKey key, IRandomSource random)
    {
        if (data.Length > MaxDataLength)
        {
            CryptoThrowHelper.ThrowArgument("RSA_PAD carries at most 144 bytes.", nameof(data));
        }

        Span<byte> dataWithPadding = stackalloc byte[PaddedLength];
        data.CopyTo(dataWithPadding);
        random.Fill(dataWithPadding[data.Length..]);

        Span<byte> block = stackalloc byte[RsaPublicKey.BlockSize];
        Span<byte> tempKey = stackalloc byte[TempKeySize];
        Span<byte> hashInput = stackalloc byte[TempKeySize + PaddedLength];
        Span<byte> zeroIv = stackalloc byte[AesIge.IvSize];
        zeroIv.Clear();
        var aesPart = block[TempKeySize..];
        while (true)
        {
            random.Fill(tempKey);
            tempKey.CopyTo(hashInput);
            dataWithPadding.CopyTo(hashInput[TempKeySize..]);
            dataWithPadding.CopyTo(aesPart);
            aesPart[..PaddedLength].Reverse();
            SHA256.HashData(hashInput, aesPart[PaddedLength..]);
            AesIge.Encrypt(tempKey, zeroIv, aesPart, aesPart);

            SHA256.HashData(aesPart, block[..TempKeySize]);
            Xor(block[..TempKeySize], tempKey);
            if (BigEndian.ToBigInteger(block) < key.Modulus)
            {
                var encrypted = key.EncryptRaw(block);

                // p_q_inner_data carries new_nonce; leave no plaintext copy on the stack.
                CryptographicOperations.ZeroMemory(dataWithPadding);
                CryptographicOperations.ZeroMemory(hashInput);
                CryptographicOperations.ZeroMemory(tempKey);
                return encrypted;
            }
        }
    }

    /// <summary>
    /// Undoes <see cref="Encrypt"/> on a raw-decrypted 256-byte block.
    /// </summary>
    /// <returns>The 192-byte data_with_padding (the TL object followed by random bytes), or null when the
    /// block's SHA256 check fails, i.e. it is not RSA_PAD.</returns>
    internal static byte[]? TryDecode(ReadOnlySpan<byte> block)
    {
        Span<byte> tempKey = stackalloc byte[TempKeySize];
        var aesEncrypted = block[TempKeySize..];
        SHA256.HashData(aesEncrypted, tempKey);
        Xor(tempKey, block[..TempKeySize]);

        Span<byte> zeroIv = stackalloc byte[AesIge.IvSize];
        zeroIv.Clear();
        Span<byte> dataWithHash = stackalloc byte[AesPartLength];
        AesIge.Decrypt(tempKey, zeroIv, aesEncrypted, dataWithHash);

        Span<byte> hashInput = stackalloc byte[TempKeySize + PaddedLength];
        tempKey.CopyTo(hashInput);
        var dataWithPadding = hashInput[TempKeySize..];
        dataWithHash[..PaddedLength].CopyTo(dataWithPadding);
        dataWithPadding.Reverse();
        Span<byte> hash = stackalloc byte[HashSize];
        SHA256.HashData(hashInput, hash);
        return CryptographicOperations.FixedTimeEquals(hash, dataWithHash[PaddedLength..])
            ? dataWithPadding.ToArray()
            : null;
    }

    private static void Xor(Span<byte> target, ReadOnlySpan<byte> other)
    {
        for (var i = 0; i < target.Length; i++)
        {
            target[i] ^= other[i];
        }
    }
}
