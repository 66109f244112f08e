using System.Security.Cryptography;

namespace Channel.MTProto.Emulator.Interim;

/// <summary>
/// AES-256-IGE over the BCL's AES-ECB. Interim: replaced by <c>Channel.MTProto.Crypto.AesIge</c> (wip/crypto).
/// IV convention: iv[0:16] is the "previous ciphertext" block, iv[16:32] the "previous plaintext" block.
/// </summary>
internal static class AesIge
{
    public static void Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> input, Span<byte> output)
        => Transform(key, iv, input, output, encrypt: true);

    public static void Decrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> input, Span<byte> output)
        => Transform(key, iv, input, output, encrypt: false);

    private static void Transform(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> input, Span<byte> output, bool encrypt)
    {
        if (input.Length % 16 != 0 || output.Length < input.Length || iv.Length != 32)
        {
            throw new CryptographicException("AES-IGE needs whole 16-byte blocks and a 32-byte IV.");
        }

        using var aes = Aes.Create();
        aes.Key = key.ToArray();
        // For encryption the chained values are (previous ciphertext, previous plaintext); decryption swaps roles.
        Span<byte> chainOut = stackalloc byte[16];
        Span<byte> chainIn = stackalloc byte[16];
        iv[..16].CopyTo(encrypt ? chainOut : chainIn);
        iv[16..].CopyTo(encrypt ? chainIn : chainOut);
        Span<byte> block = stackalloc byte[16];
        Span<byte> next = stackalloc byte[16];
        for (var offset = 0; offset < input.Length; offset += 16)
        {
            var source = input.Slice(offset, 16);
            for (var i = 0; i < 16; i++)
            {
                block[i] = (byte)(source[i] ^ chainOut[i]);
            }

            if (encrypt)
            {
                aes.EncryptEcb(block, next, PaddingMode.None);
            }
            else
            {
                aes.DecryptEcb(block, next, PaddingMode.None);
            }

            for (var i = 0; i < 16; i++)
            {
                next[i] ^= chainIn[i];
            }

            source.CopyTo(chainIn);
            next.CopyTo(chainOut);
            next.CopyTo(output.Slice(offset, 16));
        }
    }
}

/// <summary>
/// One direction of an AES-256-CTR stream (obfuscated transports). Interim: replaced by
/// <c>Channel.MTProto.Crypto.AesCtr</c> (wip/transport).
/// </summary>
internal sealed class AesCtrStream : IDisposable
{
    private readonly Aes _aes;
    private readonly byte[] _counter;
    private readonly byte[] _keystream = new byte[16];
    private int _used = 16;

    public AesCtrStream(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv)
    {
        _aes = Aes.Create();
        _aes.Key = key.ToArray();
        _counter = iv.ToArray();
    }

    public void Transform(Span<byte> data)
    {
        for (var i = 0; i < data.Length; i++)
        {
            if (_used == 16)
            {
                _aes.EncryptEcb(_counter, _keystream, PaddingMode.None);
                for (var j = 15; j >= 0 && ++_counter[j] == 0; j--)
                {
                }

                _used = 0;
            }

            data[i] ^= _keystream[_used++];
        }
    }

    public void Dispose() => _aes.Dispose();
}

/// <summary>
/// MTProto 2.0 message-key derivation. Interim: replaced by the shared msg key KDF of wip/crypto.
/// </summary>
internal static class MessageKeys
{
    /// <summary>x = 0 for client→server, 8 for server→client.</summary>
    public static void Derive(ReadOnlySpan<byte> authKey, ReadOnlySpan<byte> msgKey, int x, Span<byte> aesKey, Span<byte> aesIv)
    {
        Span<byte> a = stackalloc byte[32];
        Span<byte> b = stackalloc byte[32];
        Span<byte> input = stackalloc byte[52];
        msgKey.CopyTo(input);
        authKey.Slice(x, 36).CopyTo(input[16..]);
        SHA256.HashData(input, a);
        authKey.Slice(40 + x, 36).CopyTo(input);
        msgKey.CopyTo(input[36..]);
        SHA256.HashData(input, b);
        a[..8].CopyTo(aesKey);
        b[8..24].CopyTo(aesKey[8..]);
        a[24..32].CopyTo(aesKey[24..]);
        b[..8].CopyTo(aesIv);
        a[8..24].CopyTo(aesIv[8..]);
        b[24..32].CopyTo(aesIv[24..]);
    }

    /// <summary>msg_key = SHA256(auth_key[88+x : 120+x] ‖ plaintext)[8:24].</summary>
    public static void Compute(ReadOnlySpan<byte> authKey, ReadOnlySpan<byte> plaintext, int x, Span<byte> msgKey)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(authKey.Slice(88 + x, 32));
        sha.AppendData(plaintext);
        Span<byte> hash = stackalloc byte[32];
        sha.GetHashAndReset(hash);
        hash[8..24].CopyTo(msgKey);
    }
}
