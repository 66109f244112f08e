using System.Net;
using Channel.MTProto.Crypto;
using Channel.MTProto.Emulator;
using Channel.Service.Telegram;

namespace Channel.Service.Sandbox;

/// <summary>
/// Sandbox mode (<c>Telegram:Sandbox=true</c> or <c>--sandbox</c>): our Telegram emulator runs inside the service on
/// loopback (DCs 1–5, main DC 2, its own RSA key, in memory), and the client is pointed at it. Test numbers
/// +99966XYYYY live on DC X and log in with the code XXXXX. The control API address is logged once, so a sandbox user
/// can create users and send messages to the account.
/// </summary>
internal sealed partial class SandboxEmulator(TelegramConnectivity connectivity, ILoggerFactory loggerFactory, ILogger<SandboxEmulator> logger)
    : IHostedService, IAsyncDisposable
{
    private static readonly int[] DcIds = [2, 1, 3, 4, 5];

    private TelegramEmulator? _emulator;

    /// <summary>The running emulator (tests reach its world API through this).</summary>
    public TelegramEmulator Emulator => _emulator ?? throw new InvalidOperationException("The sandbox emulator has not started.");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = new EmulatorOptions { DcIds = DcIds };
        options.World.ControlEndpoint = new IPEndPoint(IPAddress.Loopback, 0);
        _emulator = await TelegramEmulator.StartAsync(options, loggerFactory, cancellationToken);
        connectivity.Publish(new TelegramEndpoints(
            _emulator.Dcs.ToDictionary(dc => dc.Key, dc => (IReadOnlyList<string>)[dc.Value.ToString()]),
            [RsaPublicKey.FromPem(_emulator.PublicKeyPem)]));
        LogStarted(logger, string.Join(", ", _emulator.Dcs.OrderBy(dc => dc.Key).Select(dc => $"{dc.Key}>{dc.Value}")),
            _emulator.ControlAddress?.ToString() ?? "(none)");
    }

    public Task StopAsync(CancellationToken cancellationToken) => DisposeAsync().AsTask();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _emulator, null) is { } emulator)
        {
            await emulator.DisposeAsync();
        }
    }

    [LoggerMessage(
        EventId = 4100, Level = LogLevel.Warning,
        Message = "Sandbox mode: Telegram is our in-process emulator (DCs {Dcs}), not the real Telegram. Its control API is at {ControlAddress} (POST /users, /messages; see the emulator README).")]
    private static partial void LogStarted(ILogger logger, string dcs, string controlAddress);
}
