using System.Buffers;
using System.Security.Cryptography;

namespace Channel.MTProto.Crypto;

/// <summary>
/// MTProto 2.0 message keys (/mtproto/description): msg_key = SHA256(auth_key[88+x : 88+x+32] ‖ plaintext)[8:24],
/// and the AES-256-IGE key and IV derived from (auth_key, msg_key). x = 0 for messages the client sends,
/// 8 for messages the server sends; both sides use the sender's x.
/// </summary>
internal static class MessageKey
{
    public const int Size = 16;
    public const int ClientToServer = 0;
    public const int ServerToClient = 8;

    /// <summary>Buffers up to this size are hashed from the stack; larger ones from a pooled array.</summary>
    private const int StackLimit = 1024;

    public static void Compute(ReadOnlySpan<byte> authKey, ReadOnlySpan<byte> plaintext, int x, Span<byte> msgKey)
    {
        ValidateAuthKey(authKey, x);
        var length = 32 + plaintext.Length;
        byte[]? rented = null;
        var buffer = length <= StackLimit
            ? stackalloc byte[length]
            : (rented = ArrayPool<byte>.Shared.Rent(length)).AsSpan(0, length);
        try
        {
            authKey.Slice(88 + x, 32).CopyTo(buffer);
            plaintext.CopyTo(buffer[32..]);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(buffer, hash);
            hash.Slice(8, Size).CopyTo(msgKey);
        }
        finally
        {
            if (rented is not null)
            {
                // The buffer held a slice of the auth key and a decrypted message.
                CryptographicOperations.ZeroMemory(buffer);
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// a = SHA256(msg_key ‖ auth_key[x : x+36]); b = SHA256(auth_key[40+x : 40+x+36] ‖ msg_key);
    /// key = a[0:8] ‖ b[8:24] ‖ a[24:32]; iv = b[0:8] ‖ a[8:24] ‖ b[24:32].
    /// </summary>
    public static void DeriveAesKeyIv(ReadOnlySpan<byte> authKey, ReadOnlySpan<byte> msgKey, int x, Span<byte> aesKey, Span<byte> aesIv)
    {
        ValidateAuthKey(authKey, x);
        if (msgKey.Length != Size)
        {
            CryptoThrowHelper.ThrowArgument("msg_key is 16 bytes.", nameof(msgKey));
        }

        Span<byte> input = stackalloc byte[Size + 36];
        Span<byte> a = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> b = stackalloc byte[SHA256.HashSizeInBytes];

        msgKey.CopyTo(input);
        authKey.Slice(x, 36).CopyTo(input[Size..]);
        SHA256.HashData(input, a);

        authKey.Slice(40 + x, 36).CopyTo(input);
        msgKey.CopyTo(input[36..]);
        SHA256.HashData(input, b);

        a[..8].CopyTo(aesKey);
        b.Slice(8, 16).CopyTo(aesKey[8..]);
        a.Slice(24, 8).CopyTo(aesKey[24..]);

        b[..8].CopyTo(aesIv);
        a.Slice(8, 16).CopyTo(aesIv[8..]);
        b.Slice(24, 8).CopyTo(aesIv[24..]);

        CryptographicOperations.ZeroMemory(input);
        CryptographicOperations.ZeroMemory(a);
        CryptographicOperations.ZeroMemory(b);
    }

    private static void ValidateAuthKey(ReadOnlySpan<byte> authKey, int x)
    {
        if (authKey.Length != AuthKeyDerivation.AuthKeySize)
        {
            CryptoThrowHelper.ThrowArgument("An auth key is 256 bytes.", nameof(authKey));
        }

        if (x is not (ClientToServer or ServerToClient))
        {
            CryptoThrowHelper.ThrowArgument("x is 0 (client to server) or 8 (server to client).", nameof(x));
        }
    }
}
