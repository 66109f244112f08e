using Channel.MTProto.Transport;

namespace Channel.MTProto.Tests.Transport;

/// <summary>Our transports against bytes GramJS (an independent client) produced: see Vectors/make-gramjs-vectors.js.</summary>
public class GramJsInteropTests
{
    private static readonly byte[] P1 = GramJsTransportVectors.Packet(40, 1);
    private static readonly byte[] P2 = GramJsTransportVectors.Packet(600, 2);
    private static readonly byte[] P3 = GramJsTransportVectors.Packet(40, 3);

    [Fact]
    public async Task AcceptAsync_GramJsObfuscatedAbridged_DetectsDecodesAndAnswersInItsKeystream()
    {
        var ct = TestContext.Current.CancellationToken;
        var stream = new ScriptedStream(Convert.FromHexString(GramJsTransportVectors.ObfuscatedAbridgedClientWire));

        await using (var server = await FramedConnection.AcceptAsync(stream, new ServerTransportOptions(), ct))
        {
            Assert.Equal(TransportKind.Abridged, server.Kind);
            Assert.True(server.IsObfuscated);
            using (var first = await server.ReceiveAsync(ct))
            {
                Assert.Equal(P1, first.Payload.ToArray());
            }

            using (var second = await server.ReceiveAsync(ct))
            {
                Assert.Equal(P2, second.Payload.ToArray());
            }

            await server.SendAsync(P3, ct);
        }

        // Exactly the bytes GramJS's decryptor expects for P3.
        Assert.Equal(GramJsTransportVectors.ObfuscatedAbridgedServerWire, Convert.ToHexString(stream.Written.ToArray()), ignoreCase: true);
    }

    [Theory]
    [InlineData(nameof(TransportKind.Full), GramJsTransportVectors.FullClientWire)]
    [InlineData(nameof(TransportKind.Abridged), GramJsTransportVectors.AbridgedClientWire)]
    public async Task StartClientAsync_DeterministicTransports_WritesTheSameBytesAsGramJs(string kindName, string gramJsWire)
    {
        var ct = TestContext.Current.CancellationToken;

        var wire = await TransportTestSupport.ClientWireAsync(new TransportOptions { Kind = Enum.Parse<TransportKind>(kindName) }, [P1, P2], ct);

        Assert.Equal(gramJsWire, Convert.ToHexString(wire), ignoreCase: true);
    }

    [Fact]
    public async Task AcceptAsync_GramJsFullFrames_DetectsFullAndChecksSeqAndCrc()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await TransportTestSupport.AcceptBytesAsync(Convert.FromHexString(GramJsTransportVectors.FullClientWire), ct);

        Assert.Equal(TransportKind.Full, server.Kind);
        using (var first = await server.ReceiveAsync(ct))
        {
            Assert.Equal(P1, first.Payload.ToArray());
        }

        using var second = await server.ReceiveAsync(ct);
        Assert.Equal(P2, second.Payload.ToArray());
    }
}
