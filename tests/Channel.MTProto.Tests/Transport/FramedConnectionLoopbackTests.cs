using System.Buffers.Binary;
using Channel.MTProto.Transport;

namespace Channel.MTProto.Tests.Transport;

/// <summary>Client ↔ server over real loopback TCP, for every transport the client offers.</summary>
public class FramedConnectionLoopbackTests
{
    // Abridged switches to the 4-byte header at 127 words (508 bytes); 64 KiB is the receiver's first buffer.
    private static readonly int[] Sizes = [4, 8, 124, 504, 508, 512, 1000, 4096, 65536, 65540, 300_000, 1024 * 1024];

    // Transport kinds travel as names: the enum is internal and test methods are public.
    public static TheoryData<string, bool> AllTransports => TransportTestSupport.AllTransports();

    [Theory]
    [MemberData(nameof(AllTransports))]
    public async Task AcceptAsync_ClientConnects_DetectsKindObfuscationAndDcId(string kindName, bool obfuscated)
    {
        var kind = Enum.Parse<TransportKind>(kindName);
        var ct = TestContext.Current.CancellationToken;
        var options = new TransportOptions { Kind = kind, Obfuscated = obfuscated, DcId = -2 };

        await using var pair = await LoopbackPair.ConnectAsync(options, ct);

        Assert.Equal(kind, pair.Server.Kind);
        Assert.Equal(obfuscated, pair.Server.IsObfuscated);
        Assert.Equal(obfuscated ? (short)-2 : null, pair.Server.DcId);
        Assert.Equal(kind, pair.Client.Kind);
        Assert.Equal(obfuscated, pair.Client.IsObfuscated);
    }

    [Theory]
    [MemberData(nameof(AllTransports))]
    public async Task SendAsync_FramesFrom4BytesTo1MiB_RoundTripBothWays(string kindName, bool obfuscated)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var pair = await ConnectAsync(kindName, obfuscated, ct);
        var kind = pair.Client.Kind;

        // Both directions at once: a 1 MiB send only completes while the other side reads.
        await Task.WhenAll(
            TransferAsync(pair.Client, pair.Server, seedBase: 1000, kind, ct),
            TransferAsync(pair.Server, pair.Client, seedBase: 2000, kind, ct));
    }

    [Theory]
    [MemberData(nameof(AllTransports))]
    public async Task SendAsync_ConcurrentSenders_FramesDoNotInterleave(string kindName, bool obfuscated)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var pair = await ConnectAsync(kindName, obfuscated, ct);
        var kind = pair.Client.Kind;
        const int Senders = 8;
        const int PacketsPerSender = 40;

        var sending = Task.WhenAll(Enumerable.Range(0, Senders).Select(sender => Task.Run(
            async () =>
            {
                for (var index = 0; index < PacketsPerSender; index++)
                {
                    await pair.Client.SendAsync(PatternPacket(sender, index), ct);
                }
            },
            ct)));

        var nextIndex = new int[Senders];
        for (var received = 0; received < Senders * PacketsPerSender; received++)
        {
            using var frame = await pair.Server.ReceiveAsync(ct);
            var payload = frame.Payload.Span;
            var sender = BinaryPrimitives.ReadInt32LittleEndian(payload);
            var index = BinaryPrimitives.ReadInt32LittleEndian(payload[4..]);
            Assert.InRange(sender, 0, Senders - 1);
            Assert.Equal(nextIndex[sender]++, index);
            TransportTestSupport.AssertPayload(PatternPacket(sender, index), frame, kind);
        }

        await sending;
    }

    [Theory]
    [MemberData(nameof(AllTransports))]
    public async Task SendTransportErrorAsync_ServerSendsCodes_ClientThrowsWithEachCode(string kindName, bool obfuscated)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var pair = await ConnectAsync(kindName, obfuscated, ct);
        var kind = pair.Client.Kind;
        int[] codes = [TransportErrorException.AuthKeyNotFound, TransportErrorException.TransportFlood, TransportErrorException.InvalidDc, -1234];

        foreach (var code in codes)
        {
            await pair.Server.SendTransportErrorAsync(code, ct);
            var error = await Assert.ThrowsAsync<TransportErrorException>(async () => (await pair.Client.ReceiveAsync(ct)).Dispose());
            Assert.Equal(code, error.Code);
            Assert.Equal(TransportFailure.TransportError, error.Failure);
        }

        // The error frames were consumed whole: the stream is still in step.
        var packet = TransportTestSupport.Packet(64, seed: 3);
        await pair.Server.SendAsync(packet, ct);
        using var frame = await pair.Client.ReceiveAsync(ct);
        TransportTestSupport.AssertPayload(packet, frame, kind);
    }

    [Theory]
    [MemberData(nameof(AllTransports))]
    public async Task ReceiveAsync_PeerClosesBetweenFrames_ThrowsConnectionClosed(string kindName, bool obfuscated)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var pair = await ConnectAsync(kindName, obfuscated, ct);

        await pair.Server.DisposeAsync();

        var error = await Assert.ThrowsAsync<TransportException>(async () => (await pair.Client.ReceiveAsync(ct)).Dispose());
        Assert.Equal(TransportFailure.ConnectionClosed, error.Failure);
    }

    [Fact]
    public async Task DisposeAsync_WhileReceivePending_ReceiveAndSendThrowTransportException()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var pair = await LoopbackPair.ConnectAsync(new TransportOptions { Obfuscated = true }, ct);
        var pending = pair.Client.ReceiveAsync(ct).AsTask();

        await pair.Client.DisposeAsync();

        await Assert.ThrowsAnyAsync<TransportException>(() => pending);
        var error = await Assert.ThrowsAsync<TransportException>(async () => await pair.Client.SendAsync(new byte[8], ct));
        Assert.Equal(TransportFailure.ConnectionBroken, error.Failure);
    }

    [Fact]
    public async Task ReceiveAsync_SecondConcurrentReceive_ThrowsInvalidOperation()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var pair = await LoopbackPair.ConnectAsync(new TransportOptions(), ct);
        var pending = pair.Client.ReceiveAsync(ct).AsTask();

        await Assert.ThrowsAsync<InvalidOperationException>(async () => (await pair.Client.ReceiveAsync(ct)).Dispose());

        await pair.Server.SendAsync(new byte[8], ct);
        using var frame = await pending;
        Assert.Equal(8, frame.Payload.Length);
    }

    [Fact]
    public async Task ReceiveAsync_CancelledWhilePending_LaterReceiveThrowsConnectionBroken()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var pair = await LoopbackPair.ConnectAsync(new TransportOptions { Obfuscated = true }, ct);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var pending = pair.Client.ReceiveAsync(cancel.Token).AsTask();

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        var error = await Assert.ThrowsAsync<TransportException>(async () => (await pair.Client.ReceiveAsync(ct)).Dispose());
        Assert.Equal(TransportFailure.ConnectionBroken, error.Failure);
    }

    [Fact]
    public async Task ConnectAsync_NothingListening_ThrowsConnectFailed()
    {
        var ct = TestContext.Current.CancellationToken;
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var endpoint = listener.LocalEndpoint;
        listener.Dispose();

        var error = await Assert.ThrowsAsync<TransportException>(async () => await FramedConnection.ConnectAsync(endpoint, new TransportOptions(), ct));

        Assert.Equal(TransportFailure.ConnectFailed, error.Failure);
    }

    private static Task<LoopbackPair> ConnectAsync(string kindName, bool obfuscated, CancellationToken ct) =>
        LoopbackPair.ConnectAsync(new TransportOptions { Kind = Enum.Parse<TransportKind>(kindName), Obfuscated = obfuscated }, ct);

    private static async Task TransferAsync(FramedConnection sender, FramedConnection receiver, int seedBase, TransportKind kind, CancellationToken ct)
    {
        var sending = Task.Run(
            async () =>
            {
                for (var i = 0; i < Sizes.Length; i++)
                {
                    await sender.SendAsync(TransportTestSupport.Packet(Sizes[i], seedBase + i), ct);
                }
            },
            ct);

        for (var i = 0; i < Sizes.Length; i++)
        {
            using var frame = await receiver.ReceiveAsync(ct);
            TransportTestSupport.AssertPayload(TransportTestSupport.Packet(Sizes[i], seedBase + i), frame, kind);
        }

        await sending;
    }

    private static byte[] PatternPacket(int sender, int index)
    {
        // Sizes vary so that long frames from one sender would be cut by others if writes interleaved.
        var packet = new byte[8 + (4 * (((sender * 7) + (index * 13)) % 300))];
        BinaryPrimitives.WriteInt32LittleEndian(packet, sender);
        BinaryPrimitives.WriteInt32LittleEndian(packet.AsSpan(4), index);
        packet.AsSpan(8).Fill((byte)((sender * 31) + index));
        return packet;
    }
}
