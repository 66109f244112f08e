using System.Numerics;
using System.Security.Cryptography;

namespace Channel.MTProto.Crypto;

/// <summary>Miller–Rabin with random bases, so a crafted composite cannot target fixed witnesses.</summary>
internal static class Primality
{
    private static ReadOnlySpan<byte> SmallPrimes =>
    [
        3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97,
        101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167, 173, 179, 181, 191, 193, 197, 199, 211,
        223, 227, 229, 233, 239, 241, 251,
    ];

    /// <summary>False means composite for sure; true means prime with error below 4^−<paramref name="rounds"/>.</summary>
    public static bool IsProbablePrime(BigInteger n, int rounds)
    {
        if (n < 2)
        {
            return false;
        }

        if (n.IsEven)
        {
            return n == 2;
        }

        foreach (var small in SmallPrimes)
        {
            if (n == small)
            {
                return true;
            }

            if (n % small == 0)
            {
                return false;
            }
        }

        var nMinusOne = n - 1;
        var d = nMinusOne;
        var s = 0;
        while (d.IsEven)
        {
            d >>= 1;
            s++;
        }

        var byteCount = n.GetByteCount(isUnsigned: true);
        var witnessBytes = new byte[byteCount + 8];
        for (var round = 0; round < rounds; round++)
        {
            RandomNumberGenerator.Fill(witnessBytes);
            var witness = (BigEndian.ToBigInteger(witnessBytes) % (n - 3)) + 2;
            var x = BigInteger.ModPow(witness, d, n);
            if (x.IsOne || x == nMinusOne)
            {
                continue;
            }

            var passed = false;
            for (var i = 1; i < s; i++)
            {
                x = BigInteger.ModPow(x, 2, n);
                if (x == nMinusOne)
                {
                    passed = true;
                    break;
                }
            }

            if (!passed)
            {
                return false;
            }
        }

        return true;
    }
}
