using System.Collections.ObjectModel;
using System.Net;
using Channel.MTProto.Crypto;
using Channel.MTProto.Emulator.Connections;
using Channel.MTProto.Emulator.Handshake;
using Channel.MTProto.Emulator.Rpc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Channel.MTProto.Emulator;

/// <summary>
/// A fake Telegram data centre (or several) on loopback, speaking real MTProto 2.0: every transport, the auth-key
/// exchange with its own RSA key, encrypted sessions with the service messages, and RPC dispatch. Start one per
/// test with <see cref="StartAsync"/>, point the client at <see cref="Dcs"/> and trust <see cref="PublicKeyPem"/>.
/// </summary>
public sealed partial class TelegramEmulator : IAsyncDisposable
{
    private readonly Dictionary<int, DcServer> _servers = [];
    private readonly RsaPrivateKey _rsaKey;

    private TelegramEmulator(EmulatorOptions options, RsaPrivateKey rsaKey)
    {
        Options = options;
        _rsaKey = rsaKey;
        Faults = new EmulatorFaults(this);
        Dcs = ReadOnlyDictionary<int, IPEndPoint>.Empty;
    }

    /// <summary>Each DC id and the loopback endpoint its listener is bound to.</summary>
    public IReadOnlyDictionary<int, IPEndPoint> Dcs { get; private set; }

    /// <summary>The first configured DC (the one a client connects to first).</summary>
    public int MainDcId => Options.DcIds[0];

    /// <summary>The main DC's endpoint.</summary>
    public IPEndPoint Endpoint => Dcs[MainDcId];

    /// <summary>The server's RSA public key (PKCS#1 PEM, "BEGIN RSA PUBLIC KEY"), to register in the client.</summary>
    public string PublicKeyPem => _rsaKey.ExportPublicPem();

    /// <summary>The key's fingerprint as Telegram computes it (signed int64, as sent in resPQ).</summary>
    public long Fingerprint => _rsaKey.Fingerprint;

    /// <summary>Fault injection for client tests.</summary>
    public EmulatorFaults Faults { get; }

    /// <summary>Open client connections over all DCs.</summary>
    public int ConnectionCount => _servers.Values.Sum(s => s.ConnectionCount);

    internal EmulatorOptions Options { get; }

    internal TimeProvider Time => Options.TimeProvider;

    /// <summary>Method handlers shared by every DC; the next issue registers auth.*, messages.* and so on here.</summary>
    internal RpcHandlerRegistry Handlers { get; } = new();

    /// <summary>The auth keys a DC has created (for tests).</summary>
    internal Sessions.AuthKeyRegistry AuthKeys(int dcId) => _servers[dcId].AuthKeys;

    internal IEnumerable<DcServer> Servers(int? dcId) => dcId is { } id ? [_servers[id]] : _servers.Values;

    /// <summary>Starts the listeners (port 0 picks free ports) and returns once every DC accepts connections.</summary>
    public static Task<TelegramEmulator> StartAsync(EmulatorOptions? options = null, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        options ??= new EmulatorOptions();
        if (options.DcIds.Count == 0 || options.DcIds.Distinct().Count() != options.DcIds.Count)
        {
            throw new ArgumentException("DcIds must name at least one DC, each once.", nameof(options));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var rsaKey = options.RsaKeyPath is { } path ? RsaKeyFile.LoadOrCreate(path)
            : options.RsaKeyPem is { } pem ? RsaPrivateKey.FromPem(pem)
            : RsaPrivateKey.Generate();
        var emulator = new TelegramEmulator(options, rsaKey);
        HelpHandlers.Register(emulator.Handlers);
        emulator.CreateWorld();
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Channel.MTProto.Emulator");
        var dispatcher = new RpcDispatcher(emulator.Handlers, options.MaxFrameLength);
        var endpoints = new Dictionary<int, IPEndPoint>();
        try
        {
            foreach (var dcId in options.DcIds)
            {
                var port = dcId == options.DcIds[0] ? options.Port : 0;
                var server = new DcServer(emulator, dcId, new IPEndPoint(options.ListenAddress, port), rsaKey, dispatcher, logger);
                emulator._servers[dcId] = server;
                server.Start();
                endpoints[dcId] = server.Endpoint;
            }
        }
        catch
        {
            foreach (var server in emulator._servers.Values)
            {
                server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            throw;
        }

        emulator.Dcs = new ReadOnlyDictionary<int, IPEndPoint>(endpoints);
        return emulator.StartControlApiAsync(cancellationToken);
    }

    /// <summary>Stops listening and closes every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopWorldAsync();
        foreach (var server in _servers.Values)
        {
            await server.DisposeAsync();
        }
    }
}
