using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;
using AesNi = System.Runtime.Intrinsics.X86.Aes;

namespace Channel.MTProto.Crypto;

internal static partial class AesIge
{
    /// <summary>
    /// The expanded key: 11 round keys for AES-128, 15 for AES-256. Lives on the stack, so a call allocates nothing.
    /// </summary>
    [InlineArray(15)]
    private struct RoundKeys
    {
        private Vector128<byte> _element;
    }

    internal static void EncryptHardware(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> input, Span<byte> output)
    {
        Validate(key, iv, input, output);
        EnsureHardware();
        var keys = default(RoundKeys);
        var rounds = ExpandKey(key, keys);
        Chain<EncryptRounds>(keys, rounds, previousOut: Load(iv, 0), previousIn: Load(iv, BlockSize), input, output);
        Wipe(keys);
    }

    internal static void DecryptHardware(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> input, Span<byte> output)
    {
        Validate(key, iv, input, output);
        EnsureHardware();
        var keys = default(RoundKeys);
        var rounds = ExpandKey(key, keys);
        InvertForDecryption(keys, rounds);
        Chain<DecryptRounds>(keys, rounds, previousOut: Load(iv, BlockSize), previousIn: Load(iv, 0), input, output);
        Wipe(keys);
    }

    /// <summary>The schedule is as secret as the key it came from.</summary>
    private static void Wipe(Span<Vector128<byte>> keys) => CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(keys));

    /// <summary>
    /// The IGE recurrence shared by both directions: out_i = F(in_i ⊕ out_(i−1)) ⊕ in_(i−1). Encryption starts
    /// from (y0, x0) with F = E; decryption from (x0, y0) with F = D. The generic struct parameter makes the
    /// JIT compile one specialised loop per direction.
    /// </summary>
    private static void Chain<TRounds>(
        ReadOnlySpan<Vector128<byte>> keys,
        int rounds,
        Vector128<byte> previousOut,
        Vector128<byte> previousIn,
        ReadOnlySpan<byte> input,
        Span<byte> output)
        where TRounds : struct, IBlockRounds
    {
        ref var dst = ref MemoryMarshal.GetReference(output);
        for (var offset = 0; offset < input.Length; offset += BlockSize)
        {
            var current = Load(input, offset);
            var result = TRounds.Apply(current ^ previousOut, keys, rounds) ^ previousIn;
            result.StoreUnsafe(ref dst, (nuint)offset);
            previousOut = result;
            previousIn = current;
        }
    }

    private static void EnsureHardware()
    {
        if (!AesNi.IsSupported)
        {
            throw new PlatformNotSupportedException("This CPU has no AES-NI instructions.");
        }
    }

    private interface IBlockRounds
    {
        static abstract Vector128<byte> Apply(Vector128<byte> block, ReadOnlySpan<Vector128<byte>> keys, int rounds);
    }

    private readonly struct EncryptRounds : IBlockRounds
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<byte> Apply(Vector128<byte> block, ReadOnlySpan<Vector128<byte>> keys, int rounds)
        {
            block ^= keys[0];
            for (var i = 1; i < rounds; i++)
            {
                block = AesNi.Encrypt(block, keys[i]);
            }

            return AesNi.EncryptLast(block, keys[rounds]);
        }
    }

    private readonly struct DecryptRounds : IBlockRounds
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<byte> Apply(Vector128<byte> block, ReadOnlySpan<Vector128<byte>> keys, int rounds)
        {
            block ^= keys[0];
            for (var i = 1; i < rounds; i++)
            {
                block = AesNi.Decrypt(block, keys[i]);
            }

            return AesNi.DecryptLast(block, keys[rounds]);
        }
    }

    /// <summary>FIPS-197 key expansion with AESKEYGENASSIST (Intel's AES-NI white paper, figures 24 and 26).</summary>
    /// <returns>The number of rounds: 10 or 14.</returns>
    private static int ExpandKey(ReadOnlySpan<byte> key, Span<Vector128<byte>> keys)
    {
        if (key.Length == 16)
        {
            var k = Load(key, 0);
            keys[0] = k;
            k = Expand128(k, AesNi.KeygenAssist(k, 0x01)); keys[1] = k;
            k = Expand128(k, AesNi.KeygenAssist(k, 0x02)); keys[2] = k;
            k = Expand128(k, AesNi.KeygenAssist(k, 0x04)); keys[3] = k;
            k = Expand128(k, AesNi.KeygenAssist(k, 0x08)); keys[4] = k;
            k = Expand128(k, AesNi.KeygenAssist(k, 0x10)); keys[5] = k;
            k = Expand128(k, AesNi.KeygenAssist(k, 0x20)); keys[6] = k;
            k = Expand128(k, AesNi.KeygenAssist(k, 0x40)); keys[7] = k;
            k = Expand128(k, AesNi.KeygenAssist(k, 0x80)); keys[8] = k;
            k = Expand128(k, AesNi.KeygenAssist(k, 0x1B)); keys[9] = k;
            k = Expand128(k, AesNi.KeygenAssist(k, 0x36)); keys[10] = k;
            return 10;
        }

        var even = Load(key, 0);
        var odd = Load(key, BlockSize);
        keys[0] = even;
        keys[1] = odd;
        even = Expand128(even, AesNi.KeygenAssist(odd, 0x01)); keys[2] = even;
        odd = Expand256Odd(odd, even); keys[3] = odd;
        even = Expand128(even, AesNi.KeygenAssist(odd, 0x02)); keys[4] = even;
        odd = Expand256Odd(odd, even); keys[5] = odd;
        even = Expand128(even, AesNi.KeygenAssist(odd, 0x04)); keys[6] = even;
        odd = Expand256Odd(odd, even); keys[7] = odd;
        even = Expand128(even, AesNi.KeygenAssist(odd, 0x08)); keys[8] = even;
        odd = Expand256Odd(odd, even); keys[9] = odd;
        even = Expand128(even, AesNi.KeygenAssist(odd, 0x10)); keys[10] = even;
        odd = Expand256Odd(odd, even); keys[11] = odd;
        even = Expand128(even, AesNi.KeygenAssist(odd, 0x20)); keys[12] = even;
        odd = Expand256Odd(odd, even); keys[13] = odd;
        even = Expand128(even, AesNi.KeygenAssist(odd, 0x40)); keys[14] = even;
        return 14;
    }

    /// <summary>
    /// One step of the schedule: the running XOR of the previous key's words, plus the broadcast last word
    /// of <paramref name="assist"/> (RotWord∘SubWord ⊕ Rcon). Used by AES-128 and the even AES-256 steps.
    /// </summary>
    private static Vector128<byte> Expand128(Vector128<byte> previous, Vector128<byte> assist)
    {
        var broadcast = Sse2.Shuffle(assist.AsInt32(), 0xFF).AsByte();
        return PrefixXor(previous) ^ broadcast;
    }

    /// <summary>The odd AES-256 step: SubWord (no rotation, no Rcon) of the even key's last word.</summary>
    private static Vector128<byte> Expand256Odd(Vector128<byte> previous, Vector128<byte> even)
    {
        var broadcast = Sse2.Shuffle(AesNi.KeygenAssist(even, 0x00).AsInt32(), 0xAA).AsByte();
        return PrefixXor(previous) ^ broadcast;
    }

    /// <summary>w0, w0^w1, w0^w1^w2, w0^w1^w2^w3.</summary>
    private static Vector128<byte> PrefixXor(Vector128<byte> value)
    {
        var shifted = Sse2.ShiftLeftLogical128BitLane(value, 4);
        value ^= shifted;
        shifted = Sse2.ShiftLeftLogical128BitLane(shifted, 4);
        value ^= shifted;
        shifted = Sse2.ShiftLeftLogical128BitLane(shifted, 4);
        return value ^ shifted;
    }

    /// <summary>
    /// Turns the encryption schedule into the one AESDEC expects (the "equivalent inverse cipher"):
    /// reverse the order and apply InvMixColumns to every key but the first and last.
    /// </summary>
    private static void InvertForDecryption(Span<Vector128<byte>> keys, int rounds)
    {
        keys[..(rounds + 1)].Reverse();
        for (var i = 1; i < rounds; i++)
        {
            keys[i] = AesNi.InverseMixColumns(keys[i]);
        }
    }
}
