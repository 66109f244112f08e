using System.Net;
using Channel.MTProto.Client;
using Channel.MTProto.Transport;

namespace Channel.MTProto.Tests.Client;

public sealed class MTProtoClientOptionsTests
{
    [Fact]
    public void Defaults_ProductionDcsAndKey_Valid()
    {
        var options = new MTProtoClientOptions();

        options.Validate();

        Assert.Equal([1, 2, 3, 4, 5], options.DataCenters.Keys.Order());
        Assert.Equal(-3414540481677951611, Assert.Single(options.ServerPublicKeys).Fingerprint);
        Assert.Equal(198, MTProtoClientOptions.Layer);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("149.154.167.51"), 443), Assert.Single(options.GetEndPoints(2)));
    }

    [Theory]
    [InlineData("127.0.0.1:443", "127.0.0.1:443")]
    [InlineData("[::1]:8443", "[::1]:8443")]
    [InlineData("dc2.example:443", "Unspecified/dc2.example:443")]
    public void ParseEndPoint_Forms_Parsed(string address, string expected)
    {
        Assert.Equal(expected, MTProtoClientOptions.ParseEndPoint(address).ToString());
    }

    [Theory]
    [InlineData("no-port")]
    [InlineData("host:0")]
    [InlineData("host:70000")]
    public void ParseEndPoint_Invalid_FormatException(string address)
    {
        Assert.Throws<FormatException>(() => MTProtoClientOptions.ParseEndPoint(address));
    }

    [Fact]
    public void Validate_ObfuscatedFull_Rejected()
    {
        var options = new MTProtoClientOptions { Transport = TransportKind.Full, Obfuscated = true };

        Assert.Throws<ArgumentException>(options.Validate);
    }
}
