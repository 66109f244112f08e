using System.Runtime.InteropServices;

namespace Channel.Benchmarks.Crypto;

/// <summary>
/// OpenSSL's low-level <c>AES_ige_encrypt</c> from the system libcrypto, the yardstick for our IGE.
/// Deprecated in OpenSSL 3 but still exported, and it is what C clients (and tdlib's fallback) call.
/// </summary>
internal static unsafe partial class OpenSslIge
{
    private const string LibCrypto = "libcrypto.so.3";

    /// <summary>sizeof(AES_KEY): 60 round-key words plus the round count.</summary>
    private const int AesKeySize = 244;

    public static void Transform(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> input, Span<byte> output, bool encrypt)
    {
        var schedule = stackalloc byte[AesKeySize];
        // AES_ige_encrypt writes the final chaining state back into the IV, so hand it a copy.
        var ivCopy = stackalloc byte[32];
        iv.CopyTo(new Span<byte>(ivCopy, 32));
        fixed (byte* k = key)
        fixed (byte* i = input)
        fixed (byte* o = output)
        {
            var status = encrypt
                ? AesSetEncryptKey(k, key.Length * 8, schedule)
                : AesSetDecryptKey(k, key.Length * 8, schedule);
            if (status != 0)
            {
                throw new InvalidOperationException("OpenSSL rejected the AES key.");
            }

            AesIgeEncrypt(i, o, (nuint)input.Length, schedule, ivCopy, encrypt ? 1 : 0);
        }
    }

    [LibraryImport(LibCrypto, EntryPoint = "AES_set_encrypt_key")]
    private static partial int AesSetEncryptKey(byte* userKey, int bits, byte* key);

    [LibraryImport(LibCrypto, EntryPoint = "AES_set_decrypt_key")]
    private static partial int AesSetDecryptKey(byte* userKey, int bits, byte* key);

    [LibraryImport(LibCrypto, EntryPoint = "AES_ige_encrypt")]
    private static partial void AesIgeEncrypt(byte* input, byte* output, nuint length, byte* key, byte* ivec, int enc);
}
