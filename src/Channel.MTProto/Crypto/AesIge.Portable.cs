using System.Security.Cryptography;

namespace Channel.MTProto.Crypto;

internal static partial class AesIge
{
    /// <summary>IGE over the BCL's AES-ECB, for CPUs without AES-NI; also the reference the tests compare against.</summary>
    internal static void EncryptPortable(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> input, Span<byte> output)
    {
        Validate(key, iv, input, output);
        using var aes = CreateEcb(key);
        using var transform = aes.CreateEncryptor();
        ChainPortable(transform, iv[..BlockSize], iv[BlockSize..], input, output, encrypt: true);
    }

    internal static void DecryptPortable(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> input, Span<byte> output)
    {
        Validate(key, iv, input, output);
        using var aes = CreateEcb(key);
        using var transform = aes.CreateDecryptor();
        ChainPortable(transform, iv[..BlockSize], iv[BlockSize..], input, output, encrypt: false);
    }

    private static System.Security.Cryptography.Aes CreateEcb(ReadOnlySpan<byte> key)
    {
        var aes = System.Security.Cryptography.Aes.Create();
        aes.Mode = CipherMode.ECB;
        aes.Padding = PaddingMode.None;
        aes.Key = key.ToArray();
        return aes;
    }

    /// <summary>
    /// Encryption: out = E(in ⊕ prevOut) ⊕ prevIn, with (prevOut, prevIn) = (y0, x0).
    /// Decryption is the same shape with the roles swapped: x = D(y ⊕ x_prev) ⊕ y_prev, starting from (x0, y0).
    /// </summary>
    private static void ChainPortable(
        ICryptoTransform transform,
        ReadOnlySpan<byte> ivCipher,
        ReadOnlySpan<byte> ivPlain,
        ReadOnlySpan<byte> input,
        Span<byte> output,
        bool encrypt)
    {
        var block = new byte[BlockSize];
        var result = new byte[BlockSize];
        Span<byte> previousOut = stackalloc byte[BlockSize];
        Span<byte> previousIn = stackalloc byte[BlockSize];
        (encrypt ? ivCipher : ivPlain).CopyTo(previousOut);
        (encrypt ? ivPlain : ivCipher).CopyTo(previousIn);
        Span<byte> current = stackalloc byte[BlockSize];

        for (var offset = 0; offset < input.Length; offset += BlockSize)
        {
            input.Slice(offset, BlockSize).CopyTo(current);
            for (var i = 0; i < BlockSize; i++)
            {
                block[i] = (byte)(current[i] ^ previousOut[i]);
            }

            transform.TransformBlock(block, 0, BlockSize, result, 0);
            var destination = output.Slice(offset, BlockSize);
            for (var i = 0; i < BlockSize; i++)
            {
                destination[i] = (byte)(result[i] ^ previousIn[i]);
            }

            destination.CopyTo(previousOut);
            current.CopyTo(previousIn);
        }
    }
}
