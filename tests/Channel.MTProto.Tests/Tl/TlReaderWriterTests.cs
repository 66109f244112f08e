using System.Buffers;
using System.IO.Compression;
using Channel.MTProto.Tl;
using Channel.MTProto.Tl.Api;
using Channel.MTProto.Tl.Mt;

namespace Channel.MTProto.Tests.Tl;

public sealed class TlReaderWriterTests
{
    [Theory]
    [InlineData(0, 4)]
    [InlineData(1, 4)]
    [InlineData(3, 4)]
    [InlineData(4, 8)]
    [InlineData(253, 256)]
    [InlineData(254, 260)]
    [InlineData(1000, 1004)]
    [InlineData(70_000, 70_004)]
    public void WriteBytes_AnyLength_IsPaddedToFourAndReadsBack(int length, int expectedSize)
    {
        var data = Enumerable.Range(0, length).Select(i => (byte)(i * 7)).ToArray();
        var output = new ArrayBufferWriter<byte>();
        var writer = new TlWriter(output);
        writer.WriteBytes(data);
        writer.Flush();

        Assert.Equal(expectedSize, output.WrittenCount);
        var reader = new TlReader(output.WrittenSpan);
        Assert.Equal(data, reader.ReadBytes());
        Assert.True(reader.IsAtEnd);
    }

    [Fact]
    public void WriteString_NonAscii_IsUtf8()
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new TlWriter(output);
        writer.WriteString("мир");
        writer.Flush();

        Assert.Equal(Convert.FromHexString("06d0bcd0b8d18000"), output.WrittenSpan.ToArray());
        var reader = new TlReader(output.WrittenSpan);
        Assert.Equal("мир", reader.ReadString());
    }

    [Fact]
    public void Primitives_WrittenThenRead_AreLittleEndianAndEqual()
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new TlWriter(output);
        writer.WriteInt32(-2);
        writer.WriteInt64(long.MinValue);
        writer.WriteDouble(1.5);
        writer.Flush();

        Assert.Equal(Convert.FromHexString("feffffff" + "0000000000000080" + "000000000000f83f"), output.WrittenSpan.ToArray());
        var reader = new TlReader(output.WrittenSpan);
        Assert.Equal(-2, reader.ReadInt32());
        Assert.Equal(long.MinValue, reader.ReadInt64());
        Assert.Equal(1.5, reader.ReadDouble());
    }

    [Fact]
    public void ReadPrimitives_AfterWarmUp_AllocateNothing()
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new TlWriter(output);
        for (var i = 0; i < 100; i++)
        {
            writer.WriteInt32(i);
            writer.WriteInt64(i);
            writer.WriteDouble(i);
            writer.WriteBool(i % 2 == 0);
            writer.WriteInt128(new TlInt128((ulong)i, 1));
            writer.WriteBytes([1, 2, 3]);
        }

        writer.Flush();
        var data = output.WrittenSpan.ToArray();
        ReadAll(data); // JIT and tiering first

        var before = GC.GetAllocatedBytesForCurrentThread();
        var sum = ReadAll(data);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.NotEqual(0, sum);

        static long ReadAll(byte[] data)
        {
            var reader = new TlReader(data);
            long sum = 0;
            while (!reader.IsAtEnd)
            {
                sum += reader.ReadInt32() + reader.ReadInt64() + (long)reader.ReadDouble() + (reader.ReadBool() ? 1 : 0)
                    + (long)reader.ReadInt128().Low + reader.ReadBytesSpan().Length;
            }

            return sum;
        }
    }

    [Fact]
    public void DeserializeOfT_OtherType_ThrowsWithConstructorId()
    {
        var bytes = TlSerializer.ToArray(new PeerUser { UserId = 1 });

        var exception = Assert.Throws<TlDeserializationException>(() => TlSerializer.Deserialize<InputPeerBase>(bytes));

        Assert.Equal(PeerUser.TlConstructorId, exception.ConstructorId);
    }

    [Fact]
    public void Deserialize_UnknownConstructor_ThrowsWithIdAndOffset()
    {
        var exception = Assert.Throws<TlDeserializationException>(() => TlSerializer.Deserialize(Convert.FromHexString("efbeadde")));

        Assert.Equal(0xdeadbeefu, exception.ConstructorId);
        Assert.Equal(0, exception.Offset);
    }

    [Fact]
    public void Deserialize_Truncated_ThrowsWithOffset()
    {
        var bytes = TlSerializer.ToArray(new InputPeerUser { UserId = 1, AccessHash = 2 });

        var exception = Assert.Throws<TlDeserializationException>(() => TlSerializer.Deserialize(bytes.AsSpan(0, 10)));

        Assert.Equal(4, exception.Offset);
    }

    [Fact]
    public void ReadBytes_LengthBeyondInput_ThrowsBeforeAllocating()
    {
        // Long form claiming 16 MiB - 1 with three bytes behind it.
        var exception = Assert.Throws<TlDeserializationException>(() =>
        {
            var reader = new TlReader(Convert.FromHexString("feffffff616263"));
            reader.ReadBytes();
        });

        Assert.Equal(0, exception.Offset);
    }

    [Fact]
    public void ReadVector_CountBeyondInput_ThrowsBeforeAllocating()
    {
        var exception = Assert.Throws<TlDeserializationException>(() =>
        {
            var reader = new TlReader(Convert.FromHexString("15c4b51c" + "ffffff7f" + "0000000000000000"));
            reader.ReadVector(static (ref TlReader r) => r.ReadInt64(), 8);
        });

        Assert.Equal(4, exception.Offset);
    }

    [Fact]
    public void ReadBool_OtherConstructor_Throws()
    {
        var exception = Assert.Throws<TlDeserializationException>(() =>
        {
            var reader = new TlReader(Convert.FromHexString("6b18f9c4"));
            reader.ReadBool();
        });

        Assert.Equal(0xc4f9186bu, exception.ConstructorId);
    }

    [Fact]
    public void Deserialize_NestingBeyondLimit_Throws()
    {
        var bytes = TlSerializer.ToArray(NestedPeer(100));

        Assert.Throws<TlDeserializationException>(() => TlSerializer.Deserialize(bytes));
        var parsed = TlSerializer.Deserialize(bytes, new TlReaderOptions { MaxDepth = 128 });
        Assert.IsType<InputPeerUserFromMessage>(parsed);
    }

    [Fact]
    public void Deserialize_GzipPacked_IsUnpackedTransparently()
    {
        var inner = TlSerializer.ToArray(new PeerUser { UserId = 42 });
        var output = new ArrayBufferWriter<byte>();
        var writer = new TlWriter(output);
        TlServiceMessages.WriteGzipPacked(ref writer, inner);
        writer.Flush();
        var packed = output.WrittenSpan.ToArray();

        var peer = Assert.IsType<PeerUser>(TlSerializer.Deserialize(packed));
        Assert.Equal(42, peer.UserId);

        var reader = new TlReader(packed);
        Assert.IsType<PeerUser>(PeerBase.Read(ref reader));
    }

    [Fact]
    public void ReadResult_GzippedVectorResult_IsUnpacked()
    {
        var method = new Messages.ReceivedQueue { MaxQts = 1 };
        var vector = Convert.FromHexString("15c4b51c" + "01000000" + "0700000000000000");
        var packed = GzipPacked(Gzip(vector));

        var reader = new TlReader(packed);

        Assert.Equal([7L], method.ReadResult(ref reader));
    }

    [Fact]
    public void Deserialize_GzipPackedBeyondCap_Throws()
    {
        var big = new byte[4096];
        var packed = GzipPacked(Gzip([.. TlSerializer.ToArray(new PeerUser { UserId = 1 }), .. big]));

        var exception = Assert.Throws<TlDeserializationException>(() =>
            TlSerializer.Deserialize(packed, new TlReaderOptions { MaxGzipUnpackedSize = 1024 }));

        Assert.Equal(TlServiceMessages.GzipPackedId, exception.ConstructorId);
    }

    [Fact]
    public void Deserialize_CorruptGzip_Throws()
    {
        var packed = GzipPacked([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xff, 0xff, 0xff, 0x00]);

        Assert.Throws<TlDeserializationException>(() => TlSerializer.Deserialize(packed));
    }

    [Fact]
    public void Container_WrittenThenRead_YieldsMessagesAndBodies()
    {
        var ping = TlSerializer.ToArray(new Ping { PingId = 9 });
        var ack = TlSerializer.ToArray(new MsgsAck { MsgIds = [1, 2] });
        var output = new ArrayBufferWriter<byte>();
        var writer = new TlWriter(output);
        TlServiceMessages.WriteContainer(ref writer, [new TlMessage(100, 1, ping), new TlMessage(104, 2, ack)]);
        writer.Flush();

        var reader = new TlReader(output.WrittenSpan);
        Assert.Equal(TlServiceMessages.MsgContainerId, reader.ReadUInt32());
        Assert.Equal(2, TlServiceMessages.ReadContainerCount(ref reader));
        var first = TlServiceMessages.ReadMessageHeader(ref reader);
        Assert.Equal(new TlMessageHeader(100, 1, ping.Length), first);
        Assert.Equal(9, TlSerializer.Deserialize<Ping>(reader.ReadRaw(first.Length)).PingId);
        var second = TlServiceMessages.ReadMessageHeader(ref reader);
        Assert.Equal([1L, 2L], TlSerializer.Deserialize<MsgsAck>(reader.ReadRaw(second.Length)).MsgIds);
        Assert.True(reader.IsAtEnd);
    }

    [Fact]
    public void RpcResult_WithBoolResult_ReadsThroughTheMethod()
    {
        var update = new Account.UpdateStatus { Offline = true };
        var output = new ArrayBufferWriter<byte>();
        var writer = new TlWriter(output);
        TlServiceMessages.WriteRpcResult(ref writer, 77, update, true);
        writer.Flush();

        var reader = new TlReader(output.WrittenSpan);
        Assert.Equal(TlServiceMessages.RpcResultId, reader.ReadUInt32());
        Assert.Equal(77, TlServiceMessages.ReadRpcResultHeader(ref reader));
        Assert.True(update.ReadResult(ref reader));
        Assert.True(reader.IsAtEnd);
    }

    [Fact]
    public void ReadMessageHeader_LengthBeyondInput_Throws()
    {
        var exception = Assert.Throws<TlDeserializationException>(() =>
        {
            var reader = new TlReader(Convert.FromHexString("0100000000000000" + "01000000" + "00010000" + "00000000"));
            TlServiceMessages.ReadMessageHeader(ref reader);
        });

        Assert.Equal(12, exception.Offset);
    }

    private static InputPeerBase NestedPeer(int depth) => depth == 0
        ? new InputPeerSelf()
        : new InputPeerUserFromMessage { Peer = NestedPeer(depth - 1), MsgId = depth, UserId = depth };

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    private static byte[] GzipPacked(byte[] gzipData)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new TlWriter(output);
        writer.WriteUInt32(TlServiceMessages.GzipPackedId);
        writer.WriteBytes(gzipData);
        writer.Flush();
        return output.WrittenSpan.ToArray();
    }
}
