using System.Numerics;

namespace Channel.MTProto.Crypto;

/// <summary>
/// The Diffie–Hellman group checks of /mtproto/auth_key (also applied to SRP's p and g): p is a safe 2048-bit
/// prime and g generates the subgroup of order (p−1)/2, i.e. g is a quadratic residue mod p.
/// </summary>
internal static class DhGroup
{
    public const int PrimeBits = 2048;
    public const int PrimeBytes = PrimeBits / 8;

    /// <summary>Miller–Rabin rounds for p and for (p−1)/2: error below 2^−80 even for crafted input.</summary>
    private const int PrimalityRounds = 40;

    /// <summary>The prime Telegram uses (with g = 3) for every auth key and 2FA password; checked once, offline.</summary>
    public static readonly BigInteger KnownPrime = BigEndian.ToBigInteger(Convert.FromHexString(
        "C71CAEB9C6B1C9048E6C522F70F13F73980D40238E3E21C14934D037563D930F48198A0AA7C14058229493D22530F4DBFA336F6E0AC925139543AED44CCE7C37" +
        "20FD51F69458705AC68CD4FE6B6B13ABDC9746512969328454F18FAF8C595F642477FE96BB2A941D5BCD1D4AC8CC49880708FA9B378E3C4F3A9060BEE67CF9A4" +
        "A4A695811051907E162753B56B0F6B410DBA74D8A84B2A14B3144E0EF1284754FD17ED950D5965B4B9DD46582DB1178D169C6BC465B0D6FF9CA3928FEF5B9AE4" +
        "E418FC15E83EBEA0F87FA9FF5EED70050DED2849F47BF959D956850CE929851F0D8115F635B105EE2E4E15D04B2454BF6F4FADF034B10403119CD8E3B92FCC5B"));

    /// <summary>Checks (p, g); the well-known prime skips the primality tests.</summary>
    /// <exception cref="MTProtoSecurityException">Any check fails.</exception>
    public static void Validate(BigInteger prime, int generator)
    {
        ValidateShape(prime, generator);
        if (prime != KnownPrime && !IsSafePrime(prime))
        {
            CryptoThrowHelper.ThrowSecurity("dh_prime is not a safe prime.");
        }
    }

    /// <summary>The cheap checks: 2^2047 &lt; p &lt; 2^2048, g in 2..7, and g a quadratic residue mod p.</summary>
    internal static void ValidateShape(BigInteger prime, int generator)
    {
        if (prime.Sign <= 0 || prime.GetBitLength() != PrimeBits)
        {
            CryptoThrowHelper.ThrowSecurity("dh_prime is not a 2048-bit number.");
        }

        if (!IsQuadraticResidue(prime, generator))
        {
            CryptoThrowHelper.ThrowSecurity("g is not a generator of the prime-order subgroup for this dh_prime.");
        }
    }

    /// <summary>p and (p−1)/2 both pass Miller–Rabin.</summary>
    internal static bool IsSafePrime(BigInteger prime) =>
        !prime.IsEven &&
        Primality.IsProbablePrime((prime - 1) >> 1, PrimalityRounds) &&
        Primality.IsProbablePrime(prime, PrimalityRounds);

    /// <summary>
    /// The table of /mtproto/auth_key (by quadratic reciprocity, for a safe prime p): which residues of p make
    /// g a quadratic residue. g = 4 is a square and so never generates the whole subgroup; other g are refused.
    /// </summary>
    private static bool IsQuadraticResidue(BigInteger prime, int generator) => generator switch
    {
        2 => prime % 8 == 7,
        3 => prime % 3 == 2,
        5 => (int)(prime % 5) is 1 or 4,
        6 => (int)(prime % 24) is 19 or 23,
        7 => (int)(prime % 7) is 3 or 5 or 6,
        _ => false,
    };
}
