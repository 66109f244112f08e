using System.Diagnostics;
using System.Text.Json;
using Channel.MTProto.Emulator.World;
using Channel.MTProto.Messaging;
using Channel.MTProto.Tests.UserApi;

namespace Channel.MTProto.Tests.Interop;

/// <summary>
/// Our client and GramJS (written by no one here) chat with each other through the emulator: GramJS sends to a user
/// logged in with <see cref="TelegramUserClient"/>, whose updates engine delivers it; our client replies and GramJS's
/// live NewMessage handler must fire. GramJS runs as a Node process (tests/interop/peer/gramjs-peer.mjs).
/// </summary>
public sealed class GramJsPeerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GramJsAndOurClient_ExchangeMessages_BothReceiveLive()
    {
        var interop = Path.Combine(FindRepositoryRoot(), "tests", "interop");
        Assert.True(Directory.Exists(Path.Combine(interop, "node_modules", "telegram")),
            "GramJS is not installed: run `npm ci` in tests/interop (scripts/test.sh does it before the .NET tests).");

        await using var host = await UserApiHost.StartAsync();
        host.World.CreateUser(new NewUser("15550303001", "Agent", Username: "channel_agent"));
        var (agent, _) = await host.LoginAsync("15550303001");
        var inbound = new TaskCompletionSource<InboundMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        await agent.StartUpdatesAsync((batch, _) =>
        {
            foreach (var evt in batch.Events)
            {
                if (evt is NewMessage { Message: { Outgoing: false } message } && message.Text == "hello from GramJS")
                {
                    inbound.TrySetResult(message);
                }
            }

            return ValueTask.CompletedTask;
        }, cancellationToken: Ct);

        var emulator = host.Emulator;
        var config = JsonSerializer.Serialize(new
        {
            dcId = emulator.MainDcId,
            endpoint = emulator.Endpoint.ToString(),
            dcs = emulator.Dcs.Select(dc => new { dcId = dc.Key, endpoint = dc.Value.ToString() }),
            publicKeyPem = emulator.PublicKeyPem,
            fingerprint = emulator.Fingerprint.ToString(System.Globalization.CultureInfo.InvariantCulture),
            phone = "9996623001",
            code = "22222",
            peerPhone = "@channel_agent",
            text = "hello from GramJS",
            expectReply = "hello from our client",
        });
        using var gramJs = StartNode(interop, Path.Combine("peer", "gramjs-peer.mjs"), config);
        var output = new List<string>();
        var outputDone = Task.Run(async () =>
        {
            while (await gramJs.StandardOutput.ReadLineAsync(Ct) is { } line)
            {
                lock (output)
                {
                    output.Add(line);
                }
            }
        }, Ct);
        var errors = gramJs.StandardError.ReadToEndAsync(Ct);

        try
        {
            var received = await inbound.Task.WaitAsync(TimeSpan.FromSeconds(90), Ct);
            Assert.NotNull(received.Sender);
            await agent.SendTextAsync(received.Sender!.Value, "hello from our client", randomId: 7001, cancellationToken: Ct);

            await gramJs.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromSeconds(90), Ct);
            await outputDone;
            Assert.True(gramJs.ExitCode == 0, $"GramJS exited {gramJs.ExitCode}: {string.Join('\n', output)}\n{await errors}");
            Assert.Contains(output, line => line.Contains("\"reply-received\"", StringComparison.Ordinal));
        }
        finally
        {
            if (!gramJs.HasExited)
            {
                gramJs.Kill(entireProcessTree: true);
            }
        }
    }

    private static Process StartNode(string workingDirectory, string script, string config)
    {
        var start = new ProcessStartInfo("node", script)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["CHANNEL_PEER_CONFIG"] = config;
        return Process.Start(start) ?? throw new InvalidOperationException("node did not start");
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Channel.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Channel.sln not found above " + AppContext.BaseDirectory);
    }
}
