using System.Security.Cryptography;

namespace Channel.MTProto.Crypto;

/// <summary>
/// The pre-2.0 RSA encryption of p_q_inner_data, still sent by GramJS and Telethon:
/// SHA1(data) ‖ data ‖ random, 255 bytes, raw-encrypted. Our client never uses it; the emulator's tests do,
/// to speak like those libraries.
/// </summary>
internal static class RsaLegacy
{
    private const int HashSize = 20;
    private const int PlainLength = 255;
    public const int MaxDataLength = PlainLength - HashSize;

    public static byte[] Encrypt(ReadOnlySpan<byte> data, RsaPublicKey key, IRandomSource random)
    {
        if (data.Length > MaxDataLength)
        {
            CryptoThrowHelper.ThrowArgument("The legacy RSA format carries at most 235 bytes.", nameof(data));
        }

        // A leading zero byte makes the 256-byte block a 255-byte number, always below the 2048-bit modulus.
        Span<byte> block = stackalloc byte[RsaPublicKey.BlockSize];
        block[0] = 0;
        SHA1.HashData(data, block[1..]);
        data.CopyTo(block[(1 + HashSize)..]);
        random.Fill(block[(1 + HashSize + data.Length)..]);
        return key.EncryptRaw(block);
    }

    /// <summary>
    /// The data of a raw-decrypted legacy block, or null when the block is not in this format. The data length is
    /// not encoded, so every whole-word length (TL objects are multiples of 4 bytes) is tried against the SHA1.
    /// </summary>
    internal static byte[]? TryDecode(ReadOnlySpan<byte> block)
    {
        if (block[0] != 0)
        {
            return null;
        }

        var hashThenData = block[1..];
        var length = HandshakeCipher.FindHashedLength(hashThenData, maxPadding: MaxDataLength, step: 4);
        return length < 0 ? null : hashThenData.Slice(HashSize, length).ToArray();
    }
}
