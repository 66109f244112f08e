using System.Numerics;
using System.Security.Cryptography;

namespace Channel.MTProto.Emulator.Handshake;

/// <summary>
/// Every random choice the server makes during the key exchange. Production uses the OS CSPRNG; a test
/// derives from this class to replay a known sample (server_nonce, p and q, the DH secret a).
/// </summary>
internal class HandshakeRandom
{
    public virtual void Fill(Span<byte> destination) => RandomNumberGenerator.Fill(destination);

    public virtual void NextServerNonce(Span<byte> destination) => Fill(destination);

    /// <summary>Two distinct random 31-bit primes, p &lt; q, so pq needs a real factorisation (as Telegram's does).</summary>
    public virtual (ulong P, ulong Q) NextPrimePair()
    {
        var p = NextPrime31();
        ulong q;
        do
        {
            q = NextPrime31();
        }
        while (q == p);

        return p < q ? (p, q) : (q, p);
    }

    /// <summary>The server's DH secret a: 2048 random bits.</summary>
    public virtual BigInteger NextDhSecret()
    {
        Span<byte> bytes = stackalloc byte[256];
        Fill(bytes);
        return new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
    }

    private ulong NextPrime31()
    {
        Span<byte> bytes = stackalloc byte[4];
        while (true)
        {
            Fill(bytes);
            var candidate = (BitConverter.ToUInt32(bytes) & 0x7fffffffu) | 0x40000001u;
            if (IsPrime(candidate))
            {
                return candidate;
            }
        }
    }

    /// <summary>Deterministic Miller–Rabin for 32-bit numbers (bases 2, 7, 61 are exact below 4,759,123,141).</summary>
    internal static bool IsPrime(ulong n)
    {
        if (n < 2)
        {
            return false;
        }

        foreach (var small in (ReadOnlySpan<ulong>)[2, 3, 5, 7, 11, 13, 61])
        {
            if (n % small == 0)
            {
                return n == small;
            }
        }

        var d = n - 1;
        var r = 0;
        while ((d & 1) == 0)
        {
            d >>= 1;
            r++;
        }

        foreach (var a in (ReadOnlySpan<ulong>)[2, 7, 61])
        {
            var x = (ulong)BigInteger.ModPow(a, d, n);
            if (x == 1 || x == n - 1)
            {
                continue;
            }

            var composite = true;
            for (var i = 1; i < r && composite; i++)
            {
                x = (ulong)((UInt128)x * x % n);
                composite = x != n - 1;
            }

            if (composite)
            {
                return false;
            }
        }

        return true;
    }
}
