using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Channel.MTProto.Transport;

internal sealed partial class FramedConnection
{
    /// <summary>
    /// Starts the server side over an accepted stream (takes ownership of it) and auto-detects the transport from
    /// the first bytes: <c>0xef</c> abridged, <c>0xeeeeeeee</c> intermediate, <c>0xdddddddd</c> padded intermediate,
    /// bytes 4..8 zero a full frame (length, then seqno 0), anything else a 64-byte obfuscated header. Bound the
    /// wait for the first bytes with <paramref name="ct"/>.
    /// </summary>
    public static async ValueTask<FramedConnection> AcceptAsync(Stream stream, ServerTransportOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        var connection = new FramedConnection(stream, isServer: true, options.MaxFrameLength);
        try
        {
            await connection.DetectTransportAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return connection;
    }

    /// <summary>Server side over an accepted socket (takes ownership; Nagle off); see the stream overload.</summary>
    public static ValueTask<FramedConnection> AcceptAsync(Socket socket, ServerTransportOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(socket);
        socket.NoDelay = true;
        return AcceptAsync(new NetworkStream(socket, ownsSocket: true), options, ct);
    }

    /// <summary>Server side: sends a transport error (a lone negative int32 frame, never padded), e.g. -404.</summary>
    public ValueTask SendTransportErrorAsync(int code, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(code, 0);
        var packet = new byte[sizeof(int)];
        BinaryPrimitives.WriteInt32LittleEndian(packet, code);
        return SendFrameAsync(packet, addPadding: false, ct);
    }

    private async ValueTask DetectTransportAsync(CancellationToken ct)
    {
        var head = new byte[Obfuscation.HeaderLength];
        // Connecting and closing without a byte is a clean close, not a truncated header.
        await ReadExactAsync(head.AsMemory(0, 1), atFrameBoundary: true, ct).ConfigureAwait(false);
        if (head[0] == 0xef)
        {
            Kind = TransportKind.Abridged;
            return;
        }

        await ReadExactAsync(head.AsMemory(1, 3), atFrameBoundary: false, ct).ConfigureAwait(false);
        switch (BinaryPrimitives.ReadUInt32LittleEndian(head))
        {
            case 0xeeeeeeee:
                Kind = TransportKind.Intermediate;
                return;
            case 0xdddddddd:
                Kind = TransportKind.PaddedIntermediate;
                return;
        }

        await ReadExactAsync(head.AsMemory(4, 4), atFrameBoundary: false, ct).ConfigureAwait(false);
        if (BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(4)) == 0)
        {
            // A full frame: length, then seqno 0. Replay those 8 bytes to the frame reader.
            Kind = TransportKind.Full;
            _pushback = head[..8];
            return;
        }

        await ReadExactAsync(head.AsMemory(8), atFrameBoundary: false, ct).ConfigureAwait(false);
        (_encryptor, _decryptor, var kind, var dcId) = Obfuscation.AcceptClientHeader(head);
        CryptographicOperations.ZeroMemory(head);
        Kind = kind;
        DcId = dcId;
    }
}
