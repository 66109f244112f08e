using System.Buffers.Binary;
using System.Net.Sockets;
using Channel.MTProto.Crypto;
using Channel.MTProto.Emulator;
using Channel.MTProto.Session;
using Channel.MTProto.Tl;
using Channel.MTProto.Tl.Api;
using Channel.MTProto.Tl.Mt;
using Microsoft.Extensions.Logging;
using EncryptedMessage = Channel.MTProto.Session.EncryptedMessage;
using Help = Channel.MTProto.Tl.Api.Help;

namespace Channel.MTProto.Tests.Emulator;

/// <summary>
/// Hostile bytes close only the connection that sent them, with a logged reason; the listener and the other
/// connections carry on.
/// </summary>
public sealed class EmulatorHostileInputTests
{
    public static TheoryData<string, byte[]> HostileStreams() => new()
    {
        { "abridged length beyond the maximum", [0xef, 0x7f, 0xff, 0xff, 0xff, 1, 2, 3, 4] },
        { "intermediate length of zero", [0xee, 0xee, 0xee, 0xee, 0, 0, 0, 0] },
        { "intermediate frame too short for an auth_key_id", [0xee, 0xee, 0xee, 0xee, 4, 0, 0, 0, 1, 0, 0, 0] },
        { "full transport with a bad CRC", FullFrameWithBadCrc() },
        { "obfuscated header with an unknown protocol tag", [.. Enumerable.Range(1, 64).Select(i => (byte)i)] },
        { "unencrypted message claiming more body than it has", [0xee, 0xee, 0xee, 0xee, 24, 0, 0, 0, .. new byte[16], 200, 0, 0, 0, 1, 2, 3, 4] },
        { "handshake message with an unknown constructor", [0xee, 0xee, 0xee, 0xee, 24, 0, 0, 0, .. new byte[16], 4, 0, 0, 0, 1, 2, 3, 4] },
    };

    [Theory]
    [MemberData(nameof(HostileStreams))]
    public async Task HostileStream_ClosesThatConnectionOnly(string description, byte[] bytes)
    {
        using var timeout = EmulatorTestSupport.Timeout();
        var logs = new CapturingLoggerFactory();
        await using var emulator = await TelegramEmulator.StartAsync(loggerFactory: logs, cancellationToken: timeout.Token);
        await using var bystander = await EmulatorTestClient.ConnectAsync(emulator, timeout.Token);
        await bystander.CreateAuthKeyAsync(timeout.Token);

        using var socket = await ConnectRawAsync(emulator, timeout.Token);
        await socket.SendAsync(bytes, timeout.Token);
        Assert.True(await IsClosedByServerAsync(socket, timeout.Token), description);

        Assert.IsType<Config>((await bystander.InvokeAsync(new Help.GetConfig(), timeout.Token)).Result);
        Assert.True(await logs.WaitForAsync(e => e.Level >= LogLevel.Warning, timeout.Token), $"no warning logged for: {description}");
    }

    [Fact]
    public async Task TruncatedFrame_ThenClose_LeavesTheListenerServing()
    {
        using var timeout = EmulatorTestSupport.Timeout();
        var logs = new CapturingLoggerFactory();
        await using var emulator = await TelegramEmulator.StartAsync(loggerFactory: logs, cancellationToken: timeout.Token);

        using (var socket = await ConnectRawAsync(emulator, timeout.Token))
        {
            await socket.SendAsync(new byte[] { 0xee, 0xee, 0xee, 0xee, 100, 0, 0, 0, 1, 2, 3 }, timeout.Token);
            socket.Shutdown(SocketShutdown.Send);
            Assert.True(await IsClosedByServerAsync(socket, timeout.Token));
        }

        await using var client = await EmulatorTestClient.ConnectAsync(emulator, timeout.Token);
        await client.CreateAuthKeyAsync(timeout.Token);
        Assert.IsType<Config>((await client.InvokeAsync(new Help.GetConfig(), timeout.Token)).Result);
        Assert.True(await logs.WaitForAsync(e => e.Level == LogLevel.Warning && e.Message.Contains("protocol violation", StringComparison.Ordinal), timeout.Token));
    }

    [Fact]
    public async Task TamperedMsgKey_ClosesThatConnectionWithALoggedReason()
    {
        using var timeout = EmulatorTestSupport.Timeout();
        var logs = new CapturingLoggerFactory();
        await using var emulator = await TelegramEmulator.StartAsync(loggerFactory: logs, cancellationToken: timeout.Token);
        await using var victim = await EmulatorTestClient.ConnectAsync(emulator, timeout.Token);
        var key = await victim.CreateAuthKeyAsync(timeout.Token);
        await using var bystander = await EmulatorTestClient.ConnectWithKeyAsync(victim, emulator, timeout.Token);

        var header = new EncryptedMessageHeader(victim.Salt, victim.SessionId, victim.Ids.NextClientId(), 1, 12);
        var packet = EncryptedMessage.Encrypt(key, MessageDirection.ClientToServer, header, TlSerializer.ToArray(new Ping { PingId = 1 }), SystemRandomSource.Instance);
        packet[10] ^= 0x55; // inside msg_key
        await victim.Connection.SendAsync(packet, timeout.Token);

        await Assert.ThrowsAnyAsync<Exception>(() => victim.ReceiveAsync(timeout.Token));
        Assert.IsType<Config>((await bystander.InvokeAsync(new Help.GetConfig(), timeout.Token)).Result);
        Assert.True(await logs.WaitForAsync(e => e.Level == LogLevel.Warning && e.Message.Contains("MessageKeyMismatch", StringComparison.OrdinalIgnoreCase), timeout.Token));
    }

    [Fact]
    public async Task RandomFrames_ManyConnections_TheEmulatorKeepsServing()
    {
        using var timeout = EmulatorTestSupport.Timeout(TimeSpan.FromMinutes(2));
        await using var emulator = await TelegramEmulator.StartAsync(cancellationToken: timeout.Token);
        var random = new Random(4);
        for (var i = 0; i < 40; i++)
        {
            using var socket = await ConnectRawAsync(emulator, timeout.Token);
            var length = random.Next(1, 64) * 4;
            var frame = new byte[4 + 4 + length];
            BinaryPrimitives.WriteUInt32LittleEndian(frame, 0xeeeeeeee);
            BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(4), length);
            random.NextBytes(frame.AsSpan(8));
            if (i % 2 == 0)
            {
                BinaryPrimitives.WriteInt64LittleEndian(frame.AsSpan(8), 0); // an "unencrypted" message with a random body
            }

            await socket.SendAsync(frame, timeout.Token);
            Assert.True(await IsClosedByServerAsync(socket, timeout.Token));
        }

        await using var client = await EmulatorTestClient.ConnectAsync(emulator, timeout.Token);
        await client.CreateAuthKeyAsync(timeout.Token);
        Assert.IsType<Config>((await client.InvokeAsync(new Help.GetConfig(), timeout.Token)).Result);
        Assert.Equal(1, emulator.ConnectionCount);
    }

    private static byte[] FullFrameWithBadCrc()
    {
        var frame = new byte[12 + 24];
        BinaryPrimitives.WriteInt32LittleEndian(frame, frame.Length);
        frame[^1] = 0x42;
        return frame;
    }

    private static async Task<Socket> ConnectRawAsync(TelegramEmulator emulator, CancellationToken ct)
    {
        var socket = new Socket(emulator.Endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(emulator.Endpoint, ct);
        return socket;
    }

    /// <summary>Reads until the server closes (anything it sends first, such as a −404, is skipped).</summary>
    private static async Task<bool> IsClosedByServerAsync(Socket socket, CancellationToken ct)
    {
        var buffer = new byte[1024];
        try
        {
            while (await socket.ReceiveAsync(buffer, ct) > 0)
            {
            }

            return true;
        }
        catch (SocketException)
        {
            return true; // reset by the server
        }
    }
}
