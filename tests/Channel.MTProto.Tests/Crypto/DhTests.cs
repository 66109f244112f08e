using System.Numerics;
using Channel.MTProto.Crypto;

namespace Channel.MTProto.Tests.Crypto;

public sealed class DhTests
{
    /// <summary>A 2048-bit prime with p mod 3 = 2 whose (p−1)/2 is composite: passes every check but safety.</summary>
    private const string UnsafePrime =
        "EBD4F5C2647D2A1943A6A91619AC6903C6BAEFAEC7F6600860C059959FB713189605026204F06EFF5647E47FBDCA3D1CE0F3945EBC580675AE30A412DDE53695" +
        "E37E01CB3C3270A06B9461F6472B15AE08E604631142F9D715890EEFEF3E95F13C6F00226667D3B03EF45EAE17932FA6E14451E6968FB5F490895C5741CD8504" +
        "E4CF5134F1E50AAE42373EEACB93C93D1C62B63567B1224BFB0EE9AFD8981B07D0362444CEC9C13208B4883DEAFF23BC15D548C6A5011F6F25C12A8FC943451B" +
        "24533C02B5569A0A1C9D6BA93A74F01B014EAB36FE98C4EDA612A8BC15039DA2B51C8C29777AC497C9B41D1DFAB7E7BCB6B0D7D8ED7F91B228879710B1550775";

    private static readonly BigInteger P = DhGroup.KnownPrime;
    private static readonly BigInteger Margin = BigInteger.One << 1984;

    [Fact]
    public void IsSafePrime_KnownPrime_IsTrueWithoutTheShortCut()
    {
        Assert.True(DhGroup.IsSafePrime(P));
    }

    [Fact]
    public void Validate_KnownPrimeWithG3_Passes()
    {
        DhGroup.Validate(P, 3);
    }

    [Fact]
    public void Validate_PrimeWhoseHalfIsComposite_ThrowsSecurityException()
    {
        var prime = BigEndian.ToBigInteger(Hex.Bytes(UnsafePrime));
        Assert.True(Primality.IsProbablePrime(prime, 20));

        DhGroup.ValidateShape(prime, 3);
        Assert.Throws<MTProtoSecurityException>(() => DhGroup.Validate(prime, 3));
    }

    [Fact]
    public void Validate_CompositeModulus_ThrowsSecurityException()
    {
        Assert.Throws<MTProtoSecurityException>(() => DhGroup.Validate(P + 6, 3));
    }

    [Theory]
    [InlineData(2047)]
    [InlineData(2049)]
    public void Validate_WrongSizePrime_ThrowsSecurityException(int bits)
    {
        var tooSmallOrLarge = (BigInteger.One << (bits - 1)) + 1;
        Assert.Throws<MTProtoSecurityException>(() => DhGroup.Validate(tooSmallOrLarge, 3));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(-3)]
    public void Validate_GeneratorOutsideTable_ThrowsSecurityException(int g)
    {
        Assert.Throws<MTProtoSecurityException>(() => DhGroup.Validate(P, g));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    public void Validate_KnownPrimeWithOtherGenerators_FollowsTheResidueTable(int g)
    {
        // By Euler's criterion, g is a quadratic residue mod p exactly when g^((p−1)/2) = 1: an independent
        // check of the spec's table (the known prime is a non-residue for some of these g).
        var isResidue = BigInteger.ModPow(g, (P - 1) / 2, P).IsOne;

        if (isResidue)
        {
            DhGroup.Validate(P, g);
        }
        else
        {
            Assert.Throws<MTProtoSecurityException>(() => DhGroup.Validate(P, g));
        }
    }

    public static TheoryData<string> OutOfRangeValues() => new()
    {
        "0", "1", "p-1", "p", "p+1", "margin", "p-margin", "small",
    };

    [Theory]
    [MemberData(nameof(OutOfRangeValues))]
    public void ValidatePublicValue_OutOfRange_ThrowsSecurityException(string name)
    {
        var value = name switch
        {
            "0" => BigInteger.Zero,
            "1" => BigInteger.One,
            "p-1" => P - 1,
            "p" => P,
            "p+1" => P + 1,
            "margin" => Margin,
            "p-margin" => P - Margin,
            _ => new BigInteger(3),
        };

        Assert.Throws<MTProtoSecurityException>(() => DhExchange.ValidatePublicValue(value, P));
    }

    [Fact]
    public void ValidatePublicValue_JustInsideMargins_Passes()
    {
        DhExchange.ValidatePublicValue(Margin + 1, P);
        DhExchange.ValidatePublicValue(P - Margin - 1, P);
    }

    [Fact]
    public void GenerateKeyPair_TwoSides_AgreeOnAuthKey()
    {
        var random = new SeededRandomSource(99);
        var (a, gA) = DhExchange.GenerateKeyPair(3, P, random);
        var (b, gB) = DhExchange.GenerateKeyPair(3, P, random);

        DhExchange.ValidatePublicValue(gA, P);
        DhExchange.ValidatePublicValue(gB, P);
        var clientKey = DhExchange.ComputeAuthKey(gA, b, P);
        var serverKey = DhExchange.ComputeAuthKey(gB, a, P);

        Assert.Equal(256, clientKey.Length);
        Assert.Equal(clientKey, serverKey);
    }

    [Fact]
    public void ComputeAuthKey_SmallResult_IsLeftPaddedTo256Bytes()
    {
        // 3^5 mod p = 243: one significant byte.
        var key = DhExchange.ComputeAuthKey(3, 5, P);

        Assert.Equal(256, key.Length);
        Assert.All(key[..255], b => Assert.Equal(0, b));
        Assert.Equal(243, key[255]);
    }
}
