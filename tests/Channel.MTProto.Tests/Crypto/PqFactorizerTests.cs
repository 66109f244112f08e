using Channel.MTProto.Crypto;

namespace Channel.MTProto.Tests.Crypto;

public sealed class PqFactorizerTests
{
    [Fact]
    public void Factorize_SpecSample_ReturnsOrderedPrimes()
    {
        var (p, q) = PqFactorizer.Factorize(1468428376148703121);

        Assert.Equal(1008949199UL, p);
        Assert.Equal(1455403679UL, q);
    }

    [Fact]
    public void Factorize_RandomSemiprimesUpTo63Bits_RecoversFactors()
    {
        var random = new Random(63);
        for (var i = 0; i < 50; i++)
        {
            // Telegram's pq: two ~31-bit primes; also lopsided splits to exercise the search.
            var bits = i % 5 == 0 ? 20 : 31;
            var a = RandomPrime(random, bits);
            var b = RandomPrime(random, 62 - bits);
            if (a == b)
            {
                continue;
            }

            var (p, q) = PqFactorizer.Factorize(a * b);

            Assert.Equal(Math.Min(a, b), p);
            Assert.Equal(Math.Max(a, b), q);
            Assert.True(a * b <= long.MaxValue);
        }
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(1UL)]
    [InlineData(4UL)]
    [InlineData(1008949199UL)]                // prime
    [InlineData(9223372036854775783UL)]       // prime just below 2^63
    [InlineData(1018079981919UL)]             // 1009² · 999999: more than two factors
    [InlineData(1017978486162741601UL)]       // 1008949199²: p = q
    public void Factorize_NotTwoDistinctPrimes_ThrowsSecurityException(ulong pq)
    {
        Assert.Throws<MTProtoSecurityException>(() => PqFactorizer.Factorize(pq));
    }

    [Fact]
    public void Factorize_EvenSemiprime_ReturnsTwoAndOtherPrime()
    {
        Assert.Equal((2UL, 1455403679UL), PqFactorizer.Factorize(2 * 1455403679UL));
    }

    [Theory]
    [InlineData(2UL, true)]
    [InlineData(561UL, false)]                        // Carmichael
    [InlineData(3215031751UL, false)]                 // strong pseudoprime to bases 2, 3, 5, 7
    [InlineData(1455403679UL, true)]
    [InlineData(18446744073709551557UL, true)]        // largest 64-bit prime
    public void IsPrime_KnownNumbers_Classifies(ulong n, bool expected)
    {
        Assert.Equal(expected, PqFactorizer.IsPrime(n));
    }

    private static ulong RandomPrime(Random random, int bits)
    {
        while (true)
        {
            var candidate = (ulong)random.NextInt64(1L << (bits - 1), 1L << bits) | 1;
            if (PqFactorizer.IsPrime(candidate))
            {
                return candidate;
            }
        }
    }
}
