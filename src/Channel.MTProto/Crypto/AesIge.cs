using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using AesNi = System.Runtime.Intrinsics.X86.Aes;

namespace Channel.MTProto.Crypto;

/// <summary>
/// AES in Infinite Garble Extension mode, as MTProto uses it: the 32-byte IV is
/// (previous ciphertext block y0 ‖ previous plaintext block x0) and y_i = E(x_i ⊕ y_(i−1)) ⊕ x_(i−1).
/// </summary>
/// <remarks>
/// Two implementations of the same mode live here: an AES-NI path (<see cref="EncryptHardware"/>,
/// <see cref="DecryptHardware"/>) used whenever the CPU has it, and a portable path over the BCL's AES-ECB
/// (<see cref="EncryptPortable"/>, <see cref="DecryptPortable"/>). Both are internal so tests can compare them.
/// Input and output may be the same buffer: every block is read before its output is written.
/// </remarks>
internal static partial class AesIge
{
    public const int BlockSize = 16;
    public const int IvSize = 32;

    /// <summary>Whether <see cref="Encrypt"/> and <see cref="Decrypt"/> take the AES-NI path.</summary>
    public static bool IsHardwareAccelerated => AesNi.IsSupported;

    public static void Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (AesNi.IsSupported)
        {
            EncryptHardware(key, iv, input, output);
        }
        else
        {
            EncryptPortable(key, iv, input, output);
        }
    }

    public static void Decrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (AesNi.IsSupported)
        {
            DecryptHardware(key, iv, input, output);
        }
        else
        {
            DecryptPortable(key, iv, input, output);
        }
    }

    private static void Validate(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (key.Length is not (16 or 32))
        {
            CryptoThrowHelper.ThrowArgument("AES-IGE needs a 16- or 32-byte key.", nameof(key));
        }

        if (iv.Length != IvSize)
        {
            CryptoThrowHelper.ThrowArgument("AES-IGE needs a 32-byte IV.", nameof(iv));
        }

        if (input.Length % BlockSize != 0)
        {
            CryptoThrowHelper.ThrowArgument("AES-IGE input length must be a multiple of 16.", nameof(input));
        }

        if (output.Length < input.Length)
        {
            CryptoThrowHelper.ThrowArgument("The output is shorter than the input.", nameof(output));
        }

        // Partial overlap would let a block's output clobber a later block's input before it is read.
        if (input.Overlaps(output, out var offset) && offset != 0)
        {
            CryptoThrowHelper.ThrowArgument("Input and output must be the same buffer or not overlap.", nameof(output));
        }
    }

    private static ref byte At(ReadOnlySpan<byte> span) => ref MemoryMarshal.GetReference(span);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Load(ReadOnlySpan<byte> span, int offset) =>
        Vector128.LoadUnsafe(ref At(span), (nuint)offset);
}
