using System.Buffers.Binary;
using Channel.MTProto.Crypto;
using Channel.MTProto.Transport;

namespace Channel.MTProto.Tests.Transport;

/// <summary>
/// Checks the obfuscated wire format against the spec's description rather than against our own peer: keys are
/// derived here from the captured bytes, and AesCtr itself is pinned by the NIST vector.
/// </summary>
public class ObfuscationTests
{
    [Fact]
    public async Task StartClientAsync_Obfuscated_HeaderFollowsSpecRules()
    {
        var ct = TestContext.Current.CancellationToken;
        for (var i = 0; i < 200; i++)
        {
            var wire = await TransportTestSupport.ClientWireAsync(
                new TransportOptions { Kind = TransportKind.Abridged, Obfuscated = true }, [], ct);

            Assert.Equal(Obfuscation.HeaderLength, wire.Length);
            Assert.NotEqual(0xef, wire[0]);
            Assert.DoesNotContain(
                BinaryPrimitives.ReadUInt32LittleEndian(wire),
                new uint[] { 0x44414548, 0x54534f50, 0x20544547, 0x4954504f, 0xdddddddd, 0xeeeeeeee, 0x02010316 });
            Assert.NotEqual(0u, BinaryPrimitives.ReadUInt32LittleEndian(wire.AsSpan(4)));
        }
    }

    [Theory]
    [InlineData(nameof(TransportKind.Abridged), 0xefefefef)]
    [InlineData(nameof(TransportKind.Intermediate), 0xeeeeeeee)]
    [InlineData(nameof(TransportKind.PaddedIntermediate), 0xdddddddd)]
    public async Task StartClientAsync_Obfuscated_ClientToServerStreamUsesHeaderKeyAndContinues(string kindName, uint tag)
    {
        var ct = TestContext.Current.CancellationToken;
        var kind = Enum.Parse<TransportKind>(kindName);
        var packet = TransportTestSupport.Packet(40, seed: 5);

        var wire = await TransportTestSupport.ClientWireAsync(
            new TransportOptions { Kind = kind, Obfuscated = true, DcId = 10002 }, [packet], ct);

        // Spec: key = header[8..40], iv = header[40..56]; one stream over the header and then the frames.
        using var ctr = new AesCtr(wire.AsSpan(8, 32), wire.AsSpan(40, 16));
        var plain = new byte[wire.Length];
        ctr.Transform(wire, plain);
        Assert.Equal(tag, BinaryPrimitives.ReadUInt32LittleEndian(plain.AsSpan(56)));
        Assert.Equal(10002, BinaryPrimitives.ReadInt16LittleEndian(plain.AsSpan(60)));
        var frame = plain.AsSpan(64);
        var header = kind == TransportKind.Abridged ? 1 : 4;
        Assert.Equal(packet, frame.Slice(header, packet.Length).ToArray());
    }

    [Fact]
    public async Task AcceptAsync_Obfuscated_ServerToClientStreamUsesReversedHeaderKey()
    {
        var ct = TestContext.Current.CancellationToken;
        var clientWire = await TransportTestSupport.ClientWireAsync(
            new TransportOptions { Kind = TransportKind.Intermediate, Obfuscated = true }, [TransportTestSupport.Packet(8, 1)], ct);
        var serverStream = new ScriptedStream(clientWire);
        var packet = TransportTestSupport.Packet(24, seed: 9);

        await using (var server = await FramedConnection.AcceptAsync(serverStream, new ServerTransportOptions(), ct))
        {
            using var hello = await server.ReceiveAsync(ct);
            await server.SendAsync(packet, ct);
        }

        // Spec: server→client key/iv are the same offsets of the reversed header[8..56], from stream position 0.
        var reversed = clientWire[8..56];
        Array.Reverse(reversed);
        using var ctr = new AesCtr(reversed.AsSpan(0, 32), reversed.AsSpan(32, 16));
        var serverWire = serverStream.Written.ToArray();
        ctr.Transform(serverWire, serverWire);
        Assert.Equal(packet.Length, BinaryPrimitives.ReadInt32LittleEndian(serverWire));
        Assert.Equal(packet, serverWire[4..]);
    }

    [Fact]
    public async Task AcceptAsync_ObfuscatedHeaderWithUnknownTag_ThrowsUnknownProtocol()
    {
        var ct = TestContext.Current.CancellationToken;
        var wire = await TransportTestSupport.ClientWireAsync(
            new TransportOptions { Kind = TransportKind.Intermediate, Obfuscated = true }, [], ct);
        wire[57] ^= 0x01; // the encrypted tag no longer decrypts to a known protocol

        var error = await Assert.ThrowsAsync<TransportException>(async () => await TransportTestSupport.AcceptBytesAsync(wire, ct));

        Assert.Equal(TransportFailure.UnknownProtocol, error.Failure);
    }

    [Fact]
    public void Validate_FullTransportObfuscated_Throws()
    {
        var options = new TransportOptions { Kind = TransportKind.Full, Obfuscated = true };

        Assert.Throws<ArgumentException>(options.Validate);
    }
}
