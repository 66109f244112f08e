using System.Globalization;
using System.Numerics;

namespace Channel.MTProto.Emulator.Handshake;

/// <summary>
/// Telegram's well-known 2048-bit safe prime, used with g = 3. Clients fast-path exactly this prime (and GramJS's
/// 2FA code refuses any other), so the emulator uses it rather than generating its own.
/// </summary>
internal static class DhPrime
{
    public const int Generator = 3;

    private const string PrimeHex =
        "00C71CAEB9C6B1C9048E6C522F70F13F73980D40238E3E21C14934D037563D930F48198A0AA7C14058229493D22530F4DBFA336F6E0AC925139543AED44CCE7C3720FD51F69458705AC68CD4FE6B6B13ABDC9746512969328454F18FAF8C595F642477FE96BB2A941D5BCD1D4AC8CC49880708FA9B378E3C4F3A9060BEE67CF9A4A4A695811051907E162753B56B0F6B410DBA74D8A84B2A14B3144E0EF1284754FD17ED950D5965B4B9DD46582DB1178D169C6BC465B0D6FF9CA3928FEF5B9AE4E418FC15E83EBEA0F87FA9FF5EED70050DED2849F47BF959D956850CE929851F0D8115F635B105EE2E4E15D04B2454BF6F4FADF034B10403119CD8E3B92FCC5B";

    public static BigInteger Value { get; } = BigInteger.Parse(PrimeHex, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    /// <summary>The recommended bound: 2^1984 &lt; g_x &lt; p − 2^1984.</summary>
    public static BigInteger SafetyMargin { get; } = BigInteger.One << 1984;

    public static bool IsSafePublicValue(BigInteger value) => value > SafetyMargin && value < Value - SafetyMargin;
}
