using Channel.Grpc.V1;
using Channel.MTProto.Emulator;
using Channel.MTProto.Emulator.World;
using Channel.Service.Tests.Messaging;
using Channel.Service.Tests.Onboarding;

namespace Channel.Service.Tests.Inbound;

/// <summary>
/// What the inbound proofs share: a real RabbitMQ node, our emulator over TCP, and the real host pointed at both
/// (SQLite outbox, RabbitMQ transport with confirms). The host can be stopped and started again on the same data.
/// </summary>
public sealed class InboundRig : IAsyncDisposable
{
    private readonly string _dataDirectory = OnboardingHost.NewDataDirectory();
    private string[] _arguments = [];

    private InboundRig(RabbitMqNode broker, TelegramEmulator emulator)
    {
        Broker = broker;
        Emulator = emulator;
    }

    public RabbitMqNode Broker { get; }

    public string BrokerUri => Broker.AmqpUri.ToString();

    public TelegramEmulator Emulator { get; }

    public EmulatorWorld World => Emulator.World;

    public OnboardingHost Host { get; private set; } = null!;

    public CapturedLogs Logs { get; } = new();

    public static Task<InboundRig> StartAsync(CancellationToken cancellationToken, params string[] extraArguments) =>
        StartAsync(inProcessHost: true, cancellationToken, extraArguments);

    /// <summary>With <paramref name="inProcessHost"/> false, the test runs the service itself (<see cref="ServiceProcess"/>, <see cref="ServiceArguments"/>).</summary>
    public static async Task<InboundRig> StartAsync(bool inProcessHost, CancellationToken cancellationToken, params string[] extraArguments)
    {
        RabbitMqNode.RequireInstalled();
        var broker = new RabbitMqNode();
        await broker.StartAsync();
        // Accounts live on DC 2 (test numbers +99966 2 …); DC 4 is there for files stored on another DC.
        var emulator = await TelegramEmulator.StartAsync(new EmulatorOptions { DcIds = [2, 4] }, cancellationToken: cancellationToken);
        var rig = new InboundRig(broker, emulator);
        Directory.CreateDirectory(rig._dataDirectory);
        var keyPath = Path.Combine(rig._dataDirectory, "telegram.pem");
        await File.WriteAllTextAsync(keyPath, emulator.PublicKeyPem, cancellationToken);
        rig._arguments =
        [
            .. emulator.Dcs.Select((dc, i) => $"--Telegram:Endpoints:{i}={dc.Key}>{dc.Value}"),
            $"--Telegram:PublicKeys:0={keyPath}",
            "--Telegram:SessionCheckInterval=0",
            "--Bus:Transport=RabbitMq",
            $"--ConnectionStrings:RabbitMq={broker.AmqpUri}",
            "--Outbox:RetryMaxDelay=00:00:02",
            .. extraArguments,
        ];
        if (inProcessHost)
        {
            await rig.StartHostAsync();
        }

        return rig;
    }

    /// <summary>The configuration the in-process host gets, for a service process on the same data.</summary>
    public IReadOnlyList<string> ServiceArguments => [$"--Storage:DataDirectory={_dataDirectory}", .. _arguments];

    public async Task StartHostAsync() => Host = await OnboardingHost.StartAsync(_dataDirectory, Logs, _arguments);

    public Task StopHostAsync() => Host.DisposeAsync().AsTask();

    /// <summary>Logs a Telegram test number in through the API and waits until its live connection is up.</summary>
    public async Task<TelegramAccount> ConnectedAccountAsync(string phone)
    {
        var account = await Host.CreateActiveAccountAsync(phone);
        await WaitConnectedAsync(account.Id);
        return account;
    }

    public async Task WaitConnectedAsync(string accountId)
    {
        var shown = await Eventually.ReachedAsync(
            () => Host.Client.GetAccountAsync(new GetAccountRequest { AccountId = accountId }).ResponseAsync,
            a => a.Connection.State == ConnectionState.Connected, TimeSpan.FromSeconds(60));
        Assert.Equal(ConnectionState.Connected, shown.Connection.State);
    }

    public async ValueTask DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        await Emulator.DisposeAsync();
        await Broker.DisposeAsync();
        OnboardingHost.DeleteDataDirectory(_dataDirectory);
    }
}
