using System.Numerics;

namespace Channel.MTProto.Crypto;

/// <summary>
/// Splits resPQ's pq (a product of two distinct odd primes, below 2^63) with Pollard's rho in Brent's form:
/// about p^½ ≈ 2^16 modular multiplications for Telegram's sizes, microseconds.
/// </summary>
internal static class PqFactorizer
{
    /// <summary>
    /// Cycle-length bound for one polynomial: about 50 times the expected √(πp/2) ≈ 82 000 steps for p near 2^32,
    /// so hostile input costs at most a few seconds over all polynomials instead of running unbounded.
    /// </summary>
    private const ulong MaxCycleLength = 1UL << 22;

    private const ulong MaxPolynomials = 16;

    private const ulong BatchSize = 128;

    private static ReadOnlySpan<byte> WitnessBases => [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37];

    /// <summary>Returns the two prime factors with p &lt; q.</summary>
    /// <exception cref="MTProtoSecurityException">pq is not a product of two distinct primes.</exception>
    public static (ulong P, ulong Q) Factorize(ulong pq)
    {
        if (pq < 6 || IsPrime(pq))
        {
            CryptoThrowHelper.ThrowSecurity("pq is not a product of two primes.");
        }

        var factor = pq % 2 == 0 ? 2 : FindFactor(pq);
        var p = Math.Min(factor, pq / factor);
        var q = pq / p;
        if (p == q || !IsPrime(p) || !IsPrime(q))
        {
            CryptoThrowHelper.ThrowSecurity("pq is not a product of two distinct primes.");
        }

        return (p, q);
    }

    /// <summary>A non-trivial factor of the odd composite <paramref name="n"/>.</summary>
    private static ulong FindFactor(ulong n)
    {
        for (ulong c = 1; c <= MaxPolynomials; c++)
        {
            var factor = Brent(n, c);
            if (factor != 0)
            {
                return factor;
            }
        }

        CryptoThrowHelper.ThrowSecurity("pq could not be factorised.");
        return 0;
    }

    /// <summary>Brent's cycle search on y → y² + c mod n, batching gcds; 0 when this c fails.</summary>
    private static ulong Brent(ulong n, ulong c)
    {
        ulong y = 2, x = 2, saved = 2, product = 1, divisor = 1;
        for (ulong cycle = 1; divisor == 1; cycle <<= 1)
        {
            if (cycle > MaxCycleLength)
            {
                return 0;
            }

            x = y;
            for (ulong i = 0; i < cycle; i++)
            {
                y = Step(y, c, n);
            }

            for (ulong done = 0; done < cycle && divisor == 1; done += BatchSize)
            {
                saved = y;
                var batch = Math.Min(BatchSize, cycle - done);
                for (ulong i = 0; i < batch; i++)
                {
                    y = Step(y, c, n);
                    product = MulMod(product, x > y ? x - y : y - x, n);
                }

                divisor = Gcd(product, n);
            }
        }

        if (divisor == n)
        {
            // The batch overshot: redo its steps one gcd at a time.
            do
            {
                saved = Step(saved, c, n);
                divisor = Gcd(x > saved ? x - saved : saved - x, n);
            }
            while (divisor == 1);
        }

        return divisor == n ? 0 : divisor;
    }

    private static ulong Step(ulong y, ulong c, ulong n) => (ulong)((((UInt128)y * y) + c) % n);

    private static ulong MulMod(ulong a, ulong b, ulong n) => (ulong)((UInt128)a * b % n);

    private static ulong Gcd(ulong a, ulong b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }

    /// <summary>Deterministic Miller–Rabin: the first twelve prime bases decide every n below 3.3·10^24.</summary>
    internal static bool IsPrime(ulong n)
    {
        if (n < 2)
        {
            return false;
        }

        foreach (ulong b in WitnessBases)
        {
            if (n % b == 0)
            {
                return n == b;
            }
        }

        var d = n - 1;
        var s = BitOperations.TrailingZeroCount(d);
        d >>= s;
        foreach (ulong b in WitnessBases)
        {
            var x = PowMod(b, d, n);
            if (x == 1 || x == n - 1)
            {
                continue;
            }

            var composite = true;
            for (var i = 1; i < s && composite; i++)
            {
                x = MulMod(x, x, n);
                composite = x != n - 1;
            }

            if (composite)
            {
                return false;
            }
        }

        return true;
    }

    private static ulong PowMod(ulong value, ulong exponent, ulong n)
    {
        ulong result = 1;
        value %= n;
        while (exponent != 0)
        {
            if ((exponent & 1) != 0)
            {
                result = MulMod(result, value, n);
            }

            value = MulMod(value, value, n);
            exponent >>= 1;
        }

        return result;
    }
}
