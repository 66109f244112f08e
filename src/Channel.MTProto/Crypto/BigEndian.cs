using System.Numerics;

namespace Channel.MTProto.Crypto;

/// <summary>
/// MTProto writes its big numbers (dh_prime, g_a, g_b, RSA blocks, SRP values) as unsigned big-endian byte
/// strings; these helpers convert without the sign byte <see cref="BigInteger"/> would add.
/// </summary>
internal static class BigEndian
{
    public static BigInteger ToBigInteger(ReadOnlySpan<byte> bytes) => new(bytes, isUnsigned: true, isBigEndian: true);

    /// <summary>The value as exactly <paramref name="length"/> bytes, left-padded with zeros.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or does not fit.</exception>
    public static byte[] ToBytes(BigInteger value, int length)
    {
        var output = new byte[length];
        WriteBytes(value, output);
        return output;
    }

    /// <summary>Writes the value right-aligned into <paramref name="destination"/>, zeroing the bytes before it.</summary>
    public static void WriteBytes(BigInteger value, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value.Sign, nameof(value));
        var length = value.GetByteCount(isUnsigned: true);
        if (length > destination.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "The number does not fit the destination.");
        }

        destination[..^length].Clear();
        value.TryWriteBytes(destination[^length..], out _, isUnsigned: true, isBigEndian: true);
    }
}
