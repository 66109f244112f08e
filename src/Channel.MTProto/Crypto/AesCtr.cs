using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace Channel.MTProto.Crypto;

/// <summary>
/// A stateful AES-256-CTR keystream, as MTProto transport obfuscation uses it: the 16-byte IV is the initial
/// counter block and the whole block is incremented as one big-endian 128-bit integer (OpenSSL's
/// <c>CRYPTO_ctr128</c>). The stream is continuous across <see cref="Transform"/> calls, including calls that end
/// in the middle of a block, so one instance serves one direction of one connection.
/// </summary>
/// <remarks>Not thread-safe: the owner serialises calls (one sender, one reader).</remarks>
internal sealed class AesCtr : IDisposable
{
    public const int KeyLength = 32;
    public const int IvLength = 16;

    private const int BlockLength = 16;

    // Counter blocks are encrypted in batches: one ECB call per 256 bytes of keystream instead of per block,
    // while keeping the per-connection footprint small (two 256-byte arrays per direction).
    private const int BatchLength = BlockLength * 16;

    private readonly ICryptoTransform _ecb;
    private readonly byte[] _counter = new byte[BlockLength];
    private readonly byte[] _counterBlocks = new byte[BatchLength];
    private readonly byte[] _keystream = new byte[BatchLength];
    private int _keystreamOffset = BatchLength;

    public AesCtr(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv)
    {
        if (key.Length != KeyLength)
        {
            throw new ArgumentException($"AES-256-CTR needs a {KeyLength}-byte key.", nameof(key));
        }

        if (iv.Length != IvLength)
        {
            throw new ArgumentException($"AES-256-CTR needs a {IvLength}-byte IV.", nameof(iv));
        }

        iv.CopyTo(_counter);
        var keyCopy = key.ToArray();
        try
        {
            // The transform keeps its own native cipher context; the Aes object (and its key copy) can go now.
            using var aes = Aes.Create();
            aes.Key = keyCopy;
            aes.Mode = CipherMode.ECB;
            aes.Padding = PaddingMode.None;
            _ecb = aes.CreateEncryptor();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keyCopy);
        }
    }

    /// <summary>XORs <paramref name="input"/> with the next keystream bytes into <paramref name="output"/>;
    /// the two may be the same span (in-place), but must not otherwise overlap.</summary>
    public void Transform(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (output.Length < input.Length)
        {
            throw new ArgumentException("The output is shorter than the input.", nameof(output));
        }

        while (!input.IsEmpty)
        {
            if (_keystreamOffset == BatchLength)
            {
                RefillKeystream();
            }

            var count = Math.Min(input.Length, BatchLength - _keystreamOffset);
            Xor(input[..count], _keystream.AsSpan(_keystreamOffset, count), output);
            _keystreamOffset += count;
            input = input[count..];
            output = output[count..];
        }
    }

    public void Dispose()
    {
        _ecb.Dispose();
        CryptographicOperations.ZeroMemory(_keystream);
        CryptographicOperations.ZeroMemory(_counter);
    }

    private void RefillKeystream()
    {
        for (var offset = 0; offset < BatchLength; offset += BlockLength)
        {
            _counter.CopyTo(_counterBlocks, offset);
            IncrementCounter();
        }

        _ecb.TransformBlock(_counterBlocks, 0, BatchLength, _keystream, 0);
        _keystreamOffset = 0;
    }

    private void IncrementCounter()
    {
        for (var i = BlockLength - 1; i >= 0; i--)
        {
            if (++_counter[i] != 0)
            {
                return;
            }
        }
    }

    private static void Xor(ReadOnlySpan<byte> input, ReadOnlySpan<byte> keystream, Span<byte> output)
    {
        var i = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= input.Length - Vector128<byte>.Count; i += Vector128<byte>.Count)
            {
                var block = Vector128.Create(input[i..]) ^ Vector128.Create(keystream[i..]);
                block.CopyTo(output[i..]);
            }
        }

        for (; i < input.Length; i++)
        {
            output[i] = (byte)(input[i] ^ keystream[i]);
        }
    }
}
