using System.Numerics;

namespace Channel.MTProto.Crypto;

/// <summary>
/// The Diffie–Hellman step of the auth-key exchange, identical for client (b, g_b) and server (a, g_a):
/// pick a 2048-bit secret, publish g^secret mod p, check the peer's value, compute the shared auth_key.
/// </summary>
internal static class DhExchange
{
    /// <summary>2^(2048−64): the spec's safety margin for g_a and g_b at both ends of the range.</summary>
    private static readonly BigInteger Margin = BigInteger.One << (DhGroup.PrimeBits - 64);

    /// <summary>A fresh secret and its public value g^secret mod p, retried until the public value passes the range check.</summary>
    public static (BigInteger Secret, BigInteger PublicValue) GenerateKeyPair(int generator, BigInteger prime, IRandomSource random)
    {
        Span<byte> bytes = stackalloc byte[DhGroup.PrimeBytes];
        while (true)
        {
            random.Fill(bytes);
            var secret = BigEndian.ToBigInteger(bytes);
            var publicValue = ComputePublicValue(generator, secret, prime);
            if (IsInSafeRange(publicValue, prime))
            {
                return (secret, publicValue);
            }
        }
    }

    /// <summary>g^secret mod p.</summary>
    public static BigInteger ComputePublicValue(int generator, BigInteger secret, BigInteger prime) =>
        BigInteger.ModPow(generator, secret, prime);

    /// <summary>auth_key = peer^secret mod p, as 256 big-endian bytes (left-padded).</summary>
    public static byte[] ComputeAuthKey(BigInteger peerPublicValue, BigInteger secret, BigInteger prime) =>
        BigEndian.ToBytes(BigInteger.ModPow(peerPublicValue, secret, prime), AuthKeyDerivation.AuthKeySize);

    /// <summary>Checks the peer's g_a or g_b: 1 &lt; value &lt; p−1 and 2^1984 &lt; value &lt; p − 2^1984.</summary>
    /// <exception cref="MTProtoSecurityException">The value is out of range.</exception>
    public static void ValidatePublicValue(BigInteger value, BigInteger prime)
    {
        if (!IsInSafeRange(value, prime))
        {
            CryptoThrowHelper.ThrowSecurity("The peer's Diffie–Hellman value is out of the allowed range.");
        }
    }

    /// <summary>The test of <see cref="ValidatePublicValue"/> without the exception (SRP's server answers "wrong password").</summary>
    public static bool IsInSafeRange(BigInteger value, BigInteger prime) =>
        value > BigInteger.One && value < prime - 1 &&
        value > Margin && value < prime - Margin;
}
