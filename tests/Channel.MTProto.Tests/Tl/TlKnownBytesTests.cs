using System.Buffers;
using Channel.MTProto.Tl;
using Channel.MTProto.Tl.Api;
using Channel.MTProto.Tl.Mt;
using Help = Channel.MTProto.Tl.Api.Help;

namespace Channel.MTProto.Tests.Tl;

/// <summary>Byte-exact serialisations written out by hand from the layer-198 ids and the TL encoding rules.</summary>
public sealed class TlKnownBytesTests
{
    [Fact]
    public void WriteBool_True_IsBoolTrueId()
    {
        Assert.Equal(Convert.FromHexString("b5757299"), Write(static (ref TlWriter w) => w.WriteBool(true)));
        Assert.Equal(Convert.FromHexString("379779bc"), Write(static (ref TlWriter w) => w.WriteBool(false)));
    }

    [Fact]
    public void Serialize_InputPeerUser_MatchesPublishedLayout()
    {
        var peer = new InputPeerUser { UserId = 0x0102030405060708, AccessHash = -1 };

        var bytes = TlSerializer.ToArray(peer);

        Assert.Equal(Convert.FromHexString("4ca5e8dd" + "0807060504030201" + "ffffffffffffffff"), bytes);
        var parsed = TlSerializer.Deserialize<InputPeerBase>(bytes);
        var user = Assert.IsType<InputPeerUser>(parsed);
        Assert.Equal(0x0102030405060708, user.UserId);
        Assert.Equal(-1, user.AccessHash);
    }

    [Fact]
    public void Serialize_Ping_MatchesPublishedLayout()
    {
        var bytes = TlSerializer.ToArray(new Ping { PingId = 0x1122334455667788 });

        Assert.Equal(Convert.FromHexString("ec77be7a" + "8877665544332211"), bytes);
    }

    [Fact]
    public void Serialize_InvokeWithLayerGetConfig_MatchesPublishedLayout()
    {
        var request = new InvokeWithLayer<ConfigBase> { Layer = ApiSchema.Layer, Query = new Help.GetConfig() };

        var bytes = TlSerializer.ToArray(request);

        Assert.Equal(Convert.FromHexString("0d0d9bda" + "c6000000" + "6b18f9c4"), bytes);
        var parsed = Assert.IsType<InvokeWithLayer<ConfigBase>>(TlSerializer.Deserialize(bytes));
        Assert.Equal(198, parsed.Layer);
        Assert.IsType<Help.GetConfig>(parsed.InnerQuery);
    }

    [Fact]
    public void Serialize_MessageWithFlags_ComputesFlagsFromOptionalFields()
    {
        var message = new Message
        {
            Out = true,
            Id = 7,
            PeerId = new PeerUser { UserId = 5 },
            Date = 0x01020304,
            MessageValue = "hi",
            Entities = [new MessageEntityBold { Offset = 0, Length = 2 }],
        };

        var bytes = TlSerializer.ToArray(message);

        var expected = "e9bbfd96" // message#96fdbbe9
            + "82000000" // flags: out (bit 1) | entities (bit 7)
            + "00000000" // flags2
            + "07000000" // id
            + "22175159" + "0500000000000000" // peerUser#59511722 user_id:5
            + "04030201" // date
            + "02686900" // "hi" + 1 byte padding
            + "15c4b51c" + "01000000" // Vector, 1 item
            + "c90b61bd" + "00000000" + "02000000"; // messageEntityBold#bd610bc9 offset:0 length:2
        Assert.Equal(Convert.FromHexString(expected), bytes);
        var parsed = Assert.IsType<Message>(TlSerializer.Deserialize(bytes));
        Assert.True(parsed.Out);
        Assert.False(parsed.Mentioned);
        Assert.Null(parsed.FromId);
        Assert.Equal("hi", parsed.MessageValue);
        Assert.IsType<MessageEntityBold>(Assert.Single(parsed.Entities!));
    }

    [Fact]
    public void Serialize_ReqPqMulti_WritesInt128Raw()
    {
        var nonce = Convert.FromHexString("15A084B3B9CA2A17F03925F44B78FE68");

        var bytes = TlSerializer.ToArray(new ReqPqMulti { Nonce = new TlInt128(nonce) });

        Assert.Equal(Convert.FromHexString("f18e7ebe15A084B3B9CA2A17F03925F44B78FE68"), bytes);
        Assert.Equal(nonce, TlSerializer.Deserialize<ReqPqMulti>(bytes).Nonce.ToArray());
    }

    [Fact]
    public void ReadResult_VectorOfLongResult_ReadsWithTheMethod()
    {
        var method = new Messages.ReceivedQueue { MaxQts = 3 };
        var output = new ArrayBufferWriter<byte>();
        var writer = new TlWriter(output);
        method.WriteResult(ref writer, [10, 20]);
        writer.Flush();

        var reader = new TlReader(output.WrittenSpan);
        var result = method.ReadResult(ref reader);

        Assert.Equal(Convert.FromHexString("15c4b51c" + "02000000" + "0a00000000000000" + "1400000000000000"), output.WrittenSpan.ToArray());
        Assert.Equal([10L, 20L], result);
        Assert.True(reader.IsAtEnd);
    }

    private delegate void WriteSteps(ref TlWriter writer);

    private static byte[] Write(WriteSteps steps)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new TlWriter(output);
        steps(ref writer);
        writer.Flush();
        return output.WrittenSpan.ToArray();
    }
}
