using System.Text;
using Channel.MTProto.Transport;

namespace Channel.MTProto.Tests.Transport;

/// <summary>Crafted bytes from a hostile or broken peer: every case ends in a typed exception, fast, without
/// allocating what a length prefix claims.</summary>
public class FramedConnectionHostileInputTests
{
    private const int SmallMax = 64;

    public static TheoryData<string, bool> AllTransports => TransportTestSupport.AllTransports();

    [Fact]
    public async Task AcceptAsync_HttpRequest_ThrowsUnknownProtocol()
    {
        var ct = TestContext.Current.CancellationToken;
        var input = Encoding.ASCII.GetBytes("GET /apiw1 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");

        var error = await Assert.ThrowsAsync<TransportException>(async () => await TransportTestSupport.AcceptBytesAsync(input, ct));

        Assert.Equal(TransportFailure.UnknownProtocol, error.Failure);
    }

    [Theory]
    [InlineData("", nameof(TransportFailure.ConnectionClosed))]
    [InlineData("010203", nameof(TransportFailure.TruncatedFrame))]
    [InlineData("01020304", nameof(TransportFailure.TruncatedFrame))]
    [InlineData("0102030405060708", nameof(TransportFailure.TruncatedFrame))]
    [InlineData("eeeeee", nameof(TransportFailure.TruncatedFrame))]
    public async Task AcceptAsync_ShortOrEmptyInput_ThrowsTyped(string hex, string failureName)
    {
        var ct = TestContext.Current.CancellationToken;
        var failure = Enum.Parse<TransportFailure>(failureName);

        var error = await Assert.ThrowsAsync<TransportException>(async () => await TransportTestSupport.AcceptBytesAsync(Convert.FromHexString(hex), ct));

        Assert.Equal(failure, error.Failure);
    }

    [Theory]
    [InlineData("eeeeeeee44000000")] // intermediate 68 > 64
    [InlineData("eeeeeeeeffffff7f")] // intermediate 0x7fffffff
    [InlineData("eeeeeeeeffffffff")] // quick-ack bit + 0x7fffffff
    [InlineData("dddddddd41000000")] // padded 65
    [InlineData("ef7fffffff")] // abridged long form, 0xffffff words
    [InlineData("ef7e")] // abridged short form, 126 words = 504 bytes
    [InlineData("5000000000000000")] // full, total 80 → payload 68
    [InlineData("ffffff7f00000000")] // full, total 0x7fffffff
    public async Task ReceiveAsync_LengthAboveMaximum_ThrowsFrameTooLargeBeforeReadingBody(string hex)
    {
        var ct = TestContext.Current.CancellationToken;
        // No body follows: had the receiver tried to read one, it would report TruncatedFrame instead.
        await using var server = await TransportTestSupport.AcceptBytesAsync(Convert.FromHexString(hex), ct, SmallMax);

        var error = await Assert.ThrowsAsync<TransportException>(async () => (await server.ReceiveAsync(ct)).Dispose());

        Assert.Equal(TransportFailure.FrameTooLarge, error.Failure);
    }

    [Fact]
    public async Task ReceiveAsync_LengthAtMaximumWithLittleData_AllocatesOnlyWhatArrives()
    {
        var ct = TestContext.Current.CancellationToken;
        var input = new byte[8 + 100];
        Convert.FromHexString("eeeeeeee00000001").CopyTo(input, 0); // 16 MiB, the default maximum
        await using var server = await TransportTestSupport.AcceptBytesAsync(input, ct);

        // The scripted stream completes synchronously, so the whole receive runs on this thread.
        var before = GC.GetAllocatedBytesForCurrentThread();
        var receive = server.ReceiveAsync(ct);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(receive.IsCompleted);
        var error = await Assert.ThrowsAsync<TransportException>(async () => (await receive).Dispose());
        Assert.Equal(TransportFailure.TruncatedFrame, error.Failure);
        Assert.True(allocated < 1024 * 1024, $"allocated {allocated} bytes for a 16 MiB claim with 100 bytes of data");
    }

    [Theory]
    [InlineData("eeeeeeee00000000")] // zero
    [InlineData("eeeeeeee06000000010203040506")] // not a multiple of 4
    [InlineData("dddddddd03000000010203")] // padded, shorter than one int
    [InlineData("ef00")] // abridged zero
    [InlineData("0800000000000000")] // full, total 8 < 16
    [InlineData("1200000000000000")] // full, payload 6
    public async Task ReceiveAsync_InvalidLength_ThrowsInvalidLength(string hex)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await TransportTestSupport.AcceptBytesAsync(Convert.FromHexString(hex), ct);

        var error = await Assert.ThrowsAsync<TransportException>(async () => (await server.ReceiveAsync(ct)).Dispose());

        Assert.Equal(TransportFailure.InvalidLength, error.Failure);
    }

    [Theory]
    [MemberData(nameof(AllTransports))]
    public async Task ReceiveAsync_StreamEndsMidFrame_ThrowsTruncatedFrame(string kindName, bool obfuscated)
    {
        var ct = TestContext.Current.CancellationToken;
        var options = new TransportOptions { Kind = Enum.Parse<TransportKind>(kindName), Obfuscated = obfuscated };
        var wire = await TransportTestSupport.ClientWireAsync(options, [TransportTestSupport.Packet(40, 1), TransportTestSupport.Packet(40, 2)], ct);
        await using var server = await TransportTestSupport.AcceptBytesAsync(wire[..^5], ct);

        using (await server.ReceiveAsync(ct))
        {
        }

        var error = await Assert.ThrowsAsync<TransportException>(async () => (await server.ReceiveAsync(ct)).Dispose());
        Assert.Equal(TransportFailure.TruncatedFrame, error.Failure);
    }

    [Theory]
    [InlineData(10)] // inside the first payload
    [InlineData(-1)] // inside the first CRC
    public async Task ReceiveAsync_FullFrameCorrupted_ThrowsChecksumMismatch(int flipOffset)
    {
        var ct = TestContext.Current.CancellationToken;
        var wire = await TransportTestSupport.ClientWireAsync(new TransportOptions { Kind = TransportKind.Full }, [TransportTestSupport.Packet(40, 1)], ct);
        wire[flipOffset >= 0 ? flipOffset : wire.Length + flipOffset] ^= 0x20;
        await using var server = await TransportTestSupport.AcceptBytesAsync(wire, ct);

        var error = await Assert.ThrowsAsync<TransportException>(async () => (await server.ReceiveAsync(ct)).Dispose());

        Assert.Equal(TransportFailure.ChecksumMismatch, error.Failure);
    }

    [Fact]
    public async Task ReceiveAsync_FullFrameWithRepeatedSeqNo_ThrowsSequenceMismatchThenBroken()
    {
        var ct = TestContext.Current.CancellationToken;
        var full = new TransportOptions { Kind = TransportKind.Full };
        // Two connections' first frames: both carry seqno 0 and valid CRCs.
        var first = await TransportTestSupport.ClientWireAsync(full, [TransportTestSupport.Packet(40, 1)], ct);
        var second = await TransportTestSupport.ClientWireAsync(full, [TransportTestSupport.Packet(40, 2)], ct);
        await using var server = await TransportTestSupport.AcceptBytesAsync([.. first, .. second, .. first], ct);

        using (await server.ReceiveAsync(ct))
        {
        }

        var error = await Assert.ThrowsAsync<TransportException>(async () => (await server.ReceiveAsync(ct)).Dispose());
        Assert.Equal(TransportFailure.SequenceMismatch, error.Failure);
        var after = await Assert.ThrowsAsync<TransportException>(async () => (await server.ReceiveAsync(ct)).Dispose());
        Assert.Equal(TransportFailure.ConnectionBroken, after.Failure);
    }

    [Theory]
    [InlineData("eeeeeeee08000080", nameof(TransportKind.Intermediate))]
    [InlineData("ef82", nameof(TransportKind.Abridged))]
    public async Task ReceiveAsync_ClientSetsQuickAckBit_ServerStripsItAndReportsRequest(string headerHex, string kindName)
    {
        var ct = TestContext.Current.CancellationToken;
        var kind = Enum.Parse<TransportKind>(kindName);
        var packet = TransportTestSupport.Packet(8, 4);
        await using var server = await TransportTestSupport.AcceptBytesAsync([.. Convert.FromHexString(headerHex), .. packet], ct);

        using var frame = await server.ReceiveAsync(ct);

        Assert.Equal(kind, server.Kind);
        Assert.True(frame.QuickAckRequested);
        Assert.Equal(packet, frame.Payload.ToArray());
    }

    [Theory]
    [InlineData(nameof(TransportKind.Intermediate), "34120080")] // little-endian, top bit set
    [InlineData(nameof(TransportKind.Abridged), "80001234")] // byte-swapped
    public async Task ReceiveAsync_ServerSendsQuickAckToken_ClientReturnsTokenThenNextPacket(string kindName, string tokenHex)
    {
        var ct = TestContext.Current.CancellationToken;
        var kind = Enum.Parse<TransportKind>(kindName);
        var next = kind == TransportKind.Abridged ? "02" : "08000000";
        await using var client = await TransportTestSupport.ClientOverBytesAsync(
            Convert.FromHexString(tokenHex + next + "0102030405060708"), new TransportOptions { Kind = kind }, ct);

        using (var ack = await client.ReceiveAsync(ct))
        {
            Assert.Equal(0x80001234u, ack.QuickAckToken);
            Assert.True(ack.Payload.IsEmpty);
        }

        using var frame = await client.ReceiveAsync(ct);
        Assert.Null(frame.QuickAckToken);
        Assert.Equal(Convert.FromHexString("0102030405060708"), frame.Payload.ToArray());
    }

    [Theory]
    [InlineData(nameof(TransportKind.Full), "53feffff53feffff53feffff", -429)]
    [InlineData(nameof(TransportKind.Intermediate), "6cfeffff", -404)]
    public async Task ReceiveAsync_ServerPutsErrorCodeInLengthPosition_ClientThrowsTransportErrorThenBroken(string kindName, string hex, int code)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var client = await TransportTestSupport.ClientOverBytesAsync(
            Convert.FromHexString(hex + "08000000" + "0102030405060708"), new TransportOptions { Kind = Enum.Parse<TransportKind>(kindName) }, ct);

        var error = await Assert.ThrowsAsync<TransportErrorException>(async () => (await client.ReceiveAsync(ct)).Dispose());

        Assert.Equal(code, error.Code);
        var after = await Assert.ThrowsAsync<TransportException>(async () => (await client.ReceiveAsync(ct)).Dispose());
        Assert.Equal(TransportFailure.ConnectionBroken, after.Failure);
    }

    [Theory]
    [InlineData(nameof(TransportKind.Intermediate), 0)]
    [InlineData(nameof(TransportKind.Intermediate), 6)]
    [InlineData(nameof(TransportKind.Abridged), 68)]
    [InlineData(nameof(TransportKind.Full), 2)]
    public async Task SendAsync_InvalidPacketLength_ThrowsArgumentException(string kindName, int length)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var client = await TransportTestSupport.ClientOverBytesAsync(
            [], new TransportOptions { Kind = Enum.Parse<TransportKind>(kindName), MaxFrameLength = SmallMax }, ct);

        await Assert.ThrowsAsync<ArgumentException>(async () => await client.SendAsync(new byte[length], ct));
    }

    [Fact]
    public async Task SendAsync_PaddedIntermediateOddLength_IsAllowedAndPadded()
    {
        var ct = TestContext.Current.CancellationToken;
        var packet = TransportTestSupport.Packet(6, 8);
        var wire = await TransportTestSupport.ClientWireAsync(new TransportOptions { Kind = TransportKind.PaddedIntermediate }, [packet], ct);
        await using var server = await TransportTestSupport.AcceptBytesAsync(wire, ct);

        using var frame = await server.ReceiveAsync(ct);

        TransportTestSupport.AssertPayload(packet, frame, TransportKind.PaddedIntermediate);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(404)]
    public async Task SendTransportErrorAsync_NonNegativeCode_Throws(int code)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await TransportTestSupport.AcceptBytesAsync(Convert.FromHexString("eeeeeeee"), ct);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await server.SendTransportErrorAsync(code, ct));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(TransportOptions.MaxSupportedFrameLength + 1)]
    public void Validate_MaxFrameLengthOutOfRange_Throws(int maxFrameLength)
    {
        Assert.Throws<ArgumentOutOfRangeException>(new TransportOptions { MaxFrameLength = maxFrameLength }.Validate);
        Assert.Throws<ArgumentOutOfRangeException>(new ServerTransportOptions { MaxFrameLength = maxFrameLength }.Validate);
    }
}
