using Channel.MTProto.Session;

namespace Channel.MTProto.Tests.Session;

public sealed class AuthKeyTests
{
    [Fact]
    public void FromBytes_SpecSampleKey_IdMatchesVector()
    {
        var key = AuthKey.FromBytes(Convert.FromHexString(SpecSample.AuthKeyHex));

        // auth_key_id bytes 8AE7A271969A9B1F, read little-endian.
        Assert.Equal(BitConverter.ToInt64(Convert.FromHexString("8AE7A271969A9B1F")), key.Id);
    }

    [Fact]
    public void ToString_NeverContainsKeyBytes()
    {
        var bytes = Convert.FromHexString(SpecSample.AuthKeyHex);
        var key = AuthKey.FromBytes(bytes);

        Assert.DoesNotContain(SpecSample.AuthKeyHex[..16], key.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void FromBytes_WrongLength_Throws()
    {
        Assert.Throws<ArgumentException>(() => AuthKey.FromBytes(new byte[255]));
    }

    [Fact]
    public void Equals_SameBytes_Equal()
    {
        var bytes = Convert.FromHexString(SpecSample.AuthKeyHex);

        Assert.Equal(AuthKey.FromBytes(bytes), AuthKey.FromBytes(bytes));
    }
}
