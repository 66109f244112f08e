using System.Numerics;
using Channel.MTProto.Crypto;

namespace Channel.MTProto.Emulator.Handshake;

/// <summary>
/// Every random choice the server makes during the key exchange. Production uses the OS CSPRNG; a test derives
/// from this class to replay a known sample (server_nonce, p and q, the DH secret a).
/// </summary>
internal class HandshakeRandom : IRandomSource
{
    private const int PrimalityRounds = 20;

    public virtual void Fill(Span<byte> destination) => SystemRandomSource.Instance.Fill(destination);

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

    /// <summary>The server's DH secret a and g_a = g^a mod p, with g_a inside the spec's safe range.</summary>
    public virtual (BigInteger Secret, BigInteger PublicValue) NextDhKeyPair(int generator, BigInteger prime)
        => DhExchange.GenerateKeyPair(generator, prime, this);

    private ulong NextPrime31()
    {
        Span<byte> bytes = stackalloc byte[4];
        while (true)
        {
            Fill(bytes);
            // Top bit of 31 set (a full 31-bit number) and odd.
            var candidate = (BitConverter.ToUInt32(bytes) & 0x7fffffffu) | 0x40000001u;
            if (Primality.IsProbablePrime(candidate, PrimalityRounds))
            {
                return candidate;
            }
        }
    }
}
