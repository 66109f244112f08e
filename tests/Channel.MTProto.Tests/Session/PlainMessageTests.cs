using Channel.MTProto.Session;

namespace Channel.MTProto.Tests.Session;

public sealed class PlainMessageTests
{
    [Fact]
    public void Encode_ThenRead_RoundTrips()
    {
        byte[] body = [1, 2, 3, 4, 5, 6, 7, 8];

        var packet = PlainMessage.Encode(0x51e57ac42770964aL, body);
        var id = PlainMessage.Read(packet, out var read);

        Assert.Equal(28, packet.Length);
        Assert.Equal(0x51e57ac42770964aL, id);
        Assert.Equal(body, read.ToArray());
        Assert.Equal(0, PlainMessage.PeekAuthKeyId(packet));
    }

    [Fact]
    public void Encode_SpecLayout_MatchesBytes()
    {
        var packet = PlainMessage.Encode(0x0102030405060708L, [0xAA, 0xBB, 0xCC, 0xDD]);

        Assert.Equal(
            Convert.FromHexString("0000000000000000" + "0807060504030201" + "04000000" + "AABBCCDD"),
            packet);
    }

    [Fact]
    public void Read_TrailingTransportPadding_Ignored()
    {
        var packet = PlainMessage.Encode(4, [9, 9, 9, 9]).Concat(new byte[7]).ToArray();

        PlainMessage.Read(packet, out var body);

        Assert.Equal(4, body.Length);
    }

    [Theory]
    [InlineData("00")]
    [InlineData("0100000000000000" + "0000000000000000" + "00000000")]
    [InlineData("0000000000000000" + "0000000000000000" + "05000000" + "00000000")]
    [InlineData("0000000000000000" + "0000000000000000" + "FFFFFFFF")]
    public void Read_Malformed_ThrowsTypedError(string hex)
    {
        Assert.Throws<MessageDecodeException>(() => PlainMessage.Read(Convert.FromHexString(hex), out _));
    }
}
