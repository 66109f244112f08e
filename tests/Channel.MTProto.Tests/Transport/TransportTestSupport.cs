using System.Net;
using System.Net.Sockets;
using Channel.MTProto.Transport;

namespace Channel.MTProto.Tests.Transport;

/// <summary>A duplex stream for scripted peers: reads come from fixed bytes, writes are captured.</summary>
internal sealed class ScriptedStream(byte[] input) : Stream
{
    private readonly MemoryStream _input = new(input, writable: false);

    public MemoryStream Written { get; } = new();

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => _input.Read(buffer, offset, count);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_input.Read(buffer.Span));

    public override void Write(byte[] buffer, int offset, int count) => Written.Write(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Written.Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}

internal static class TransportTestSupport
{
    /// <summary>Every transport the client can use: each kind, plain and obfuscated, except full + obfuscated.</summary>
    public static TheoryData<string, bool> AllTransports()
    {
        var data = new TheoryData<string, bool>();
        foreach (var kind in Enum.GetValues<TransportKind>())
        {
            data.Add(kind.ToString(), false);
            if (kind != TransportKind.Full)
            {
                data.Add(kind.ToString(), true);
            }
        }

        return data;
    }

    /// <summary>Random packet bytes whose first int32 is non-negative: a short frame starting with a negative int32
    /// is a transport error by definition (no real MTProto packet is that short).</summary>
    public static byte[] Packet(int length, int seed)
    {
        var packet = new byte[length];
        new Random(seed).NextBytes(packet);
        if (length >= 4)
        {
            packet[3] &= 0x7f;
        }

        return packet;
    }

    /// <summary>The bytes a client puts on the wire: its init (or obfuscated header) and one frame per packet.</summary>
    public static async Task<byte[]> ClientWireAsync(TransportOptions options, IEnumerable<byte[]> packets, CancellationToken ct)
    {
        var stream = new ScriptedStream([]);
        await using (var client = await FramedConnection.StartClientAsync(stream, options, ct))
        {
            foreach (var packet in packets)
            {
                await client.SendAsync(packet, ct);
            }
        }

        return stream.Written.ToArray();
    }

    /// <summary>Server side over fixed input bytes (the auto-detection runs on them).</summary>
    public static ValueTask<FramedConnection> AcceptBytesAsync(byte[] input, CancellationToken ct, int maxFrameLength = TransportOptions.DefaultMaxFrameLength) =>
        FramedConnection.AcceptAsync(new ScriptedStream(input), new ServerTransportOptions { MaxFrameLength = maxFrameLength }, ct);

    /// <summary>Client side whose reads come from fixed bytes (as if sent by a server).</summary>
    public static ValueTask<FramedConnection> ClientOverBytesAsync(byte[] input, TransportOptions options, CancellationToken ct) =>
        FramedConnection.StartClientAsync(new ScriptedStream(input), options, ct);

    public static void AssertPayload(ReadOnlySpan<byte> expected, ReceivedFrame frame, TransportKind kind)
    {
        var payload = frame.Payload.Span;
        if (kind == TransportKind.PaddedIntermediate)
        {
            // The receiver cannot tell padding from payload; the packet is the prefix.
            Assert.InRange(payload.Length, expected.Length, expected.Length + 15);
            payload = payload[..expected.Length];
        }

        Assert.True(expected.SequenceEqual(payload), $"payload of {expected.Length} bytes differs");
    }
}

/// <summary>A client and a server connected over real loopback TCP, the server having auto-detected the transport.</summary>
internal sealed class LoopbackPair : IAsyncDisposable
{
    private static readonly byte[] Hello = [1, 2, 3, 4, 5, 6, 7, 8];

    private LoopbackPair(FramedConnection client, FramedConnection server)
    {
        Client = client;
        Server = server;
    }

    public FramedConnection Client { get; }

    public FramedConnection Server { get; }

    public static async Task<LoopbackPair> ConnectAsync(TransportOptions options, CancellationToken ct)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accepting = AcceptOneAsync(listener, ct);
        var client = await FramedConnection.ConnectAsync(listener.LocalEndpoint, options, ct);

        // The full transport has no init bytes: the server detects it from the first frame, so every pair opens
        // with a hello packet.
        await client.SendAsync(Hello, ct);
        var server = await accepting;
        using (var hello = await server.ReceiveAsync(ct))
        {
            TransportTestSupport.AssertPayload(Hello, hello, server.Kind);
        }

        return new LoopbackPair(client, server);
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Server.DisposeAsync();
    }

    private static async Task<FramedConnection> AcceptOneAsync(TcpListener listener, CancellationToken ct)
    {
        var socket = await listener.AcceptSocketAsync(ct);
        return await FramedConnection.AcceptAsync(socket, new ServerTransportOptions(), ct);
    }
}
