using System.Collections.Concurrent;
using Channel.MTProto.Client;
using Channel.MTProto.Crypto;
using Channel.MTProto.Emulator;
using Channel.MTProto.Transport;
using Microsoft.Extensions.Logging;

namespace Channel.MTProto.Tests.Client;

/// <summary>An in-process emulator on a loopback port and clients pointed at it, with their logs collected.</summary>
internal sealed class ClientHarness : IAsyncDisposable
{
    private readonly List<MTProtoClient> _clients = [];

    private ClientHarness(TelegramEmulator emulator) => Emulator = emulator;

    public TelegramEmulator Emulator { get; }

    public CollectingLoggerProvider Logs { get; } = new();

    public static async Task<ClientHarness> StartAsync(CancellationToken cancellationToken, IReadOnlyList<int>? dcIds = null) =>
        new(await TelegramEmulator.StartAsync(new EmulatorOptions { DcIds = dcIds ?? [2] }, cancellationToken: cancellationToken));

    public MTProtoClientOptions Options(TransportKind transport = TransportKind.Intermediate, bool obfuscated = false) => new()
    {
        DataCenters = Emulator.Dcs.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)[p.Value.ToString()]),
        ServerPublicKeys = [RsaPublicKey.FromPem(Emulator.PublicKeyPem)],
        ApiId = 12345,
        Transport = transport,
        Obfuscated = obfuscated,
        ReconnectBaseDelay = TimeSpan.FromMilliseconds(20),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
    };

    public MTProtoClient CreateClient(MTProtoClientOptions? options = null, MTProtoSessionState? session = null)
    {
        var client = new MTProtoClient(options ?? Options(), session ?? new MTProtoSessionState(Emulator.MainDcId), LoggerFactory.Create(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug)));
        _clients.Add(client);
        return client;
    }

    /// <summary>
    /// A client that has made a call and fetched its future salts: after this no service request of the connection
    /// start-up is in flight, so a fault aimed at "the next request" hits the test's own call.
    /// </summary>
    public async Task<MTProtoClient> CreateSettledClientAsync(CancellationToken cancellationToken)
    {
        var client = CreateClient();
        await client.InvokeAsync(new Channel.MTProto.Tl.Api.Help.GetNearestDc(), cancellationToken);
        while (client.Session.GetSalts(Emulator.MainDcId).Count < 2)
        {
            await Task.Delay(10, cancellationToken);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        await Emulator.DisposeAsync();
    }
}

/// <summary>Keeps every log entry (level, event id, formatted text) for assertions.</summary>
internal sealed class CollectingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(string Category, LogLevel Level, EventId EventId, string Message)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new CollectingLogger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class CollectingLogger(CollectingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            provider.Entries.Enqueue((category, logLevel, eventId, formatter(state, exception)));
    }
}
