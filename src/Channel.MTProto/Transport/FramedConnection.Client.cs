using System.Net;
using System.Net.Sockets;

namespace Channel.MTProto.Transport;

internal sealed partial class FramedConnection
{
    private static readonly byte[] AbridgedInit = [0xef];
    private static readonly byte[] IntermediateInit = [0xee, 0xee, 0xee, 0xee];
    private static readonly byte[] PaddedIntermediateInit = [0xdd, 0xdd, 0xdd, 0xdd];

    /// <summary>Opens a TCP connection (Nagle off) and starts the client side of the transport on it.</summary>
    public static async ValueTask<FramedConnection> ConnectAsync(EndPoint endpoint, TransportOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        // A DnsEndPoint has no address family yet: a dual-mode socket reaches either.
        var socket = endpoint.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6
            ? new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
            : new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.NoDelay = true;
            await socket.ConnectAsync(endpoint, ct).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new TransportException(TransportFailure.ConnectFailed, $"Could not connect to {endpoint}: {ex.SocketErrorCode}.", ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return await StartClientAsync(new NetworkStream(socket, ownsSocket: true), options, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts the client side over an already connected stream (takes ownership of it): writes the transport init
    /// (<c>0xef</c>, <c>0xeeeeeeee</c>, <c>0xdddddddd</c>, nothing for full, or the obfuscated 64-byte header).
    /// </summary>
    public static async ValueTask<FramedConnection> StartClientAsync(Stream stream, TransportOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        var connection = new FramedConnection(stream, isServer: false, options.MaxFrameLength) { Kind = options.Kind };
        try
        {
            if (options.Obfuscated)
            {
                var header = new byte[Obfuscation.HeaderLength];
                (connection._encryptor, connection._decryptor) = Obfuscation.CreateClientHeader(header, options.Kind, options.DcId);
                connection.DcId = options.DcId;
                await connection.WriteRawAsync(header, ct).ConfigureAwait(false);
            }
            else if (InitBytes(options.Kind) is { } init)
            {
                await connection.WriteRawAsync(init, ct).ConfigureAwait(false);
            }
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return connection;
    }

    private static byte[]? InitBytes(TransportKind kind) => kind switch
    {
        TransportKind.Abridged => AbridgedInit,
        TransportKind.Intermediate => IntermediateInit,
        TransportKind.PaddedIntermediate => PaddedIntermediateInit,
        _ => null,
    };
}
