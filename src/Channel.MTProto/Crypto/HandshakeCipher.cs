using System.Security.Cryptography;

namespace Channel.MTProto.Crypto;

/// <summary>
/// The encryption of server_DH_inner_data (in server_DH_params_ok) and client_DH_inner_data
/// (in set_client_DH_params): AES-256-IGE with the temporary key and IV of
/// SHA1(data) ‖ data ‖ 0..15 random bytes. The callers serialise and parse the TL objects.
/// </summary>
internal static class HandshakeCipher
{
    private const int HashSize = 20;

    /// <summary>Hashes, pads to a multiple of 16 with bytes from <paramref name="random"/>, and encrypts.</summary>
    public static byte[] Encrypt(ReadOnlySpan<byte> tmpAesKey, ReadOnlySpan<byte> tmpAesIv, ReadOnlySpan<byte> innerData, IRandomSource random)
    {
        var unpadded = HashSize + innerData.Length;
        var output = new byte[(unpadded + AesIge.BlockSize - 1) / AesIge.BlockSize * AesIge.BlockSize];
        SHA1.HashData(innerData, output);
        innerData.CopyTo(output.AsSpan(HashSize));
        random.Fill(output.AsSpan(unpadded));
        AesIge.Encrypt(tmpAesKey, tmpAesIv, output, output);
        return output;
    }

    /// <summary>
    /// Decrypts and returns the inner data without hash and padding. The data length is found by trying the
    /// 16 lengths the padding rule allows against the leading SHA1, so no TL parsing is needed here.
    /// </summary>
    /// <exception cref="MTProtoSecurityException">The length is not a multiple of 16 or no length matches the hash.</exception>
    public static byte[] Decrypt(ReadOnlySpan<byte> tmpAesKey, ReadOnlySpan<byte> tmpAesIv, ReadOnlySpan<byte> encrypted)
    {
        if (encrypted.Length < 2 * AesIge.BlockSize || encrypted.Length % AesIge.BlockSize != 0)
        {
            CryptoThrowHelper.ThrowSecurity("The encrypted handshake answer has an invalid length.");
        }

        var plain = new byte[encrypted.Length];
        AesIge.Decrypt(tmpAesKey, tmpAesIv, encrypted, plain);
        var length = FindHashedLength(plain, maxPadding: AesIge.BlockSize - 1);
        if (length < 0)
        {
            CryptoThrowHelper.ThrowSecurity("The encrypted handshake answer failed its SHA1 check.");
        }

        return plain.AsSpan(HashSize, length).ToArray();
    }

    /// <summary>
    /// For a buffer laid out as SHA1(data) ‖ data ‖ padding, the length of data: tries every candidate
    /// from the longest (no padding) down to <paramref name="maxPadding"/> bytes of padding, stepping by
    /// <paramref name="step"/> (TL objects are whole 32-bit words). Returns −1 when none matches.
    /// </summary>
    internal static int FindHashedLength(ReadOnlySpan<byte> hashThenData, int maxPadding, int step = 1)
    {
        Span<byte> hash = stackalloc byte[HashSize];
        var expected = hashThenData[..HashSize];
        var longest = hashThenData.Length - HashSize;
        longest -= longest % step;
        for (var length = longest; length >= 0 && length >= hashThenData.Length - HashSize - maxPadding; length -= step)
        {
            SHA1.HashData(hashThenData.Slice(HashSize, length), hash);
            if (CryptographicOperations.FixedTimeEquals(hash, expected))
            {
                return length;
            }
        }

        return -1;
    }
}
