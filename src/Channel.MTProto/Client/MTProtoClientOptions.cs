using System.Globalization;
using System.Net;
using Channel.MTProto.Crypto;
using Channel.MTProto.Tl.Api;
using Channel.MTProto.Transport;

namespace Channel.MTProto.Client;

/// <summary>
/// How an <see cref="MTProtoClient"/> reaches Telegram and presents itself. Defaults point at Telegram's
/// production DCs with its production RSA key; point <see cref="DataCenters"/> and <see cref="ServerPublicKeys"/>
/// at the test DCs or at the emulator instead.
/// </summary>
internal sealed record MTProtoClientOptions
{
    /// <summary>The TL layer every connection declares in invokeWithLayer: the generated schema's.</summary>
    public const int Layer = ApiSchema.Layer;

    /// <summary>Telegram production DCs 1–5 (IPv4, port 443), as published by Telegram and every client library.</summary>
    public static readonly IReadOnlyDictionary<int, IReadOnlyList<string>> ProductionDataCenters = new Dictionary<int, IReadOnlyList<string>>
    {
        [1] = ["149.154.175.53:443"],
        [2] = ["149.154.167.51:443"],
        [3] = ["149.154.175.100:443"],
        [4] = ["149.154.167.91:443"],
        [5] = ["91.108.56.130:443"],
    };

    /// <summary>DC id → "host:port" addresses, tried in order.</summary>
    public IReadOnlyDictionary<int, IReadOnlyList<string>> DataCenters { get; init; } = ProductionDataCenters;

    /// <summary>RSA keys the client trusts for the key exchange (the server names one by fingerprint in resPQ).</summary>
    public IReadOnlyList<RsaPublicKey> ServerPublicKeys { get; init; } = [TelegramPublicKeys.Production];

    /// <summary>Telegram's test DCs: the DC number in p_q_inner_data_dc gets +10000.</summary>
    public bool TestMode { get; init; }

    public int ApiId { get; init; }

    public string DeviceModel { get; init; } = "Channel";

    public string SystemVersion { get; init; } = Environment.OSVersion.VersionString;

    public string AppVersion { get; init; } = "1.0";

    public string SystemLangCode { get; init; } = "en";

    public string LangPack { get; init; } = string.Empty;

    public string LangCode { get; init; } = "en";

    public TransportKind Transport { get; init; } = TransportKind.Intermediate;

    /// <summary>Wrap the transport in the obfuscated init header (not with <see cref="TransportKind.Full"/>).</summary>
    public bool Obfuscated { get; init; }

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Whole auth-key exchange, all round trips included.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Default per-call timeout of InvokeAsync; a call may override it.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>First reconnect delay; doubles per failed attempt up to <see cref="ReconnectMaxDelay"/>.</summary>
    public TimeSpan ReconnectBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Each delay is scaled by a random factor in [1 − jitter, 1 + jitter] so many clients don't reconnect in step.</summary>
    public double ReconnectJitter { get; init; } = 0.2;

    /// <summary>How often a ping_delay_disconnect is sent on an otherwise idle connection.</summary>
    public TimeSpan PingInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>disconnect_delay of ping_delay_disconnect: the server closes if no ping arrives within it.</summary>
    public TimeSpan PingDisconnectDelay { get; init; } = TimeSpan.FromSeconds(75);

    /// <summary>Standalone msgs_ack is sent once this many acks are pending (otherwise they ride along with requests).</summary>
    public int MaxPendingAcks { get; init; } = 16;

    /// <summary>How long acks may wait for a request to ride on before they go alone.</summary>
    public TimeSpan AckDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Largest serialized request; the server drops connections that send bigger ones.</summary>
    public int MaxRequestLength { get; init; } = 1_044_404;

    /// <summary>Pushed updates waiting for the updates engine; beyond this they are dropped and recovered with getDifference.</summary>
    public int UpdatesQueueCapacity { get; init; } = UpdateQueue.DefaultCapacity;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(UpdatesQueueCapacity, 1);
        if (DataCenters.Count == 0 || DataCenters.Values.Any(list => list.Count == 0))
        {
            throw new ArgumentException("Every configured DC needs at least one address.", nameof(DataCenters));
        }

        if (ServerPublicKeys.Count == 0)
        {
            throw new ArgumentException("At least one server RSA key is needed.", nameof(ServerPublicKeys));
        }

        if (Obfuscated && Transport == TransportKind.Full)
        {
            throw new ArgumentException("The full transport cannot be obfuscated.", nameof(Obfuscated));
        }

        if (ReconnectJitter is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ReconnectJitter), ReconnectJitter, "Jitter is a fraction in [0, 1).");
        }

        foreach (var address in DataCenters.Values.SelectMany(list => list))
        {
            ParseEndPoint(address);
        }
    }

    internal IReadOnlyList<EndPoint> GetEndPoints(int dcId) =>
        DataCenters.TryGetValue(dcId, out var addresses)
            ? [.. addresses.Select(ParseEndPoint)]
            : throw new ArgumentOutOfRangeException(nameof(dcId), dcId, "No address is configured for this DC.");

    /// <summary>"1.2.3.4:443", "[::1]:443" or "host:443".</summary>
    internal static EndPoint ParseEndPoint(string address)
    {
        if (IPEndPoint.TryParse(address, out var ip) && ip.Port != 0)
        {
            return ip;
        }

        var colon = address.LastIndexOf(':');
        if (colon > 0 && int.TryParse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535)
        {
            return new DnsEndPoint(address[..colon], port);
        }

        throw new FormatException($"'{address}' is not host:port.");
    }
}
