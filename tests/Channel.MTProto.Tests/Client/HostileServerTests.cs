using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Channel.MTProto.Client;
using Channel.MTProto.Crypto;
using Channel.MTProto.Session;
using Channel.MTProto.Tl.Api;
using Channel.MTProto.Transport;
using Microsoft.Extensions.Logging;
using EncryptedMessage = Channel.MTProto.Session.EncryptedMessage;

namespace Channel.MTProto.Tests.Client;

/// <summary>
/// A scripted fake server (a raw TcpListener) sends hostile bytes; the client must close that connection with a
/// typed, logged reason and keep going (it reconnects), never crash or hang.
/// </summary>
public sealed class HostileServerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> Scripts => new()
    {
        { "huge-length", "TransportException/FrameTooLarge" },
        { "bad-length", "TransportException/InvalidLength" },
        { "truncated", "TransportException/TruncatedFrame" },
        { "bad-msg-key", "MessageDecodeException/MessageKeyMismatch" },
        { "other-auth-key", "MessageDecodeException/AuthKeyMismatch" },
        { "short-packet", "MessageDecodeException/BadLength" },
    };

    [Theory]
    [MemberData(nameof(Scripts))]
    public async Task Client_HostileFrame_ClosesWithTypedLoggedReasonAndReconnects(string script, string expectedReason)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var key = AuthKey.FromBytes(Enumerable.Range(0, 256).Select(i => (byte)(i * 7)).ToArray());
        var session = new MTProtoSessionState(2);
        session.SetAuthKey(2, key, 1, TimeSpan.Zero);
        var logs = new CollectingLoggerProvider();
        var options = new MTProtoClientOptions
        {
            DataCenters = new Dictionary<int, IReadOnlyList<string>> { [2] = [((IPEndPoint)listener.LocalEndpoint).ToString()] },
            ServerPublicKeys = [TelegramPublicKeys.Production],
            Transport = TransportKind.Intermediate,
            ReconnectBaseDelay = TimeSpan.FromMilliseconds(20),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(100),
        };
        await using var client = new MTProtoClient(options, session, LoggerFactory.Create(b => b.AddProvider(logs)));
        var disconnected = new TaskCompletionSource<MTProtoDisconnectedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Disconnected += (_, e) => disconnected.TrySetResult(e);

        var call = client.InvokeAsync(new Help.GetConfig(), TimeSpan.FromSeconds(30), Ct);
        using (var first = await listener.AcceptTcpClientAsync(Ct))
        {
            var stream = first.GetStream();
            await ReadExactlyAsync(stream, 4); // 0xeeeeeeee
            var length = BinaryPrimitives.ReadInt32LittleEndian(await ReadExactlyAsync(stream, 4));
            await ReadExactlyAsync(stream, length); // the client's first encrypted message
            await stream.WriteAsync(Script(script, key), Ct);
            first.Client.Shutdown(SocketShutdown.Send);
            var reason = await disconnected.Task.WaitAsync(Ct);
            Assert.Equal(expectedReason, reason.Reason);
        }

        // The process and the client keep going: it connects again.
        using var second = await listener.AcceptTcpClientAsync(Ct);
        Assert.True(second.Connected);
        Assert.Contains(logs.Entries, e => e.EventId.Id == 5 && e.Message.Contains(expectedReason, StringComparison.Ordinal));
        Assert.False(call.IsCompleted);
    }

    private static byte[] Script(string script, AuthKey key)
    {
        var random = new Random(7);
        switch (script)
        {
            case "huge-length":
                return [0xFF, 0xFF, 0xFF, 0x7F];
            case "bad-length":
                return [0x03, 0x00, 0x00, 0x00, 1, 2, 3];
            case "truncated":
                return [100, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8];
            case "short-packet":
                return Frame([.. BitConverter.GetBytes(key.Id), .. new byte[16], .. new byte[16]]);
            default:
                var packet = new byte[EncryptedMessage.EnvelopeLength + 64];
                random.NextBytes(packet);
                BinaryPrimitives.WriteInt64LittleEndian(packet, script == "bad-msg-key" ? key.Id : key.Id ^ 1);
                return Frame(packet);
        }
    }

    private static byte[] Frame(byte[] packet) => [.. BitConverter.GetBytes(packet.Length), .. packet];

    private static async Task<byte[]> ReadExactlyAsync(NetworkStream stream, int count)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer, Ct);
        return buffer;
    }
}
