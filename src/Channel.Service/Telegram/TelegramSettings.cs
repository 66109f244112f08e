using System.Globalization;
using Channel.MTProto.Client;
using Channel.MTProto.Crypto;
using Channel.MTProto.Transport;
using Channel.Persistence.Configuration;
using Channel.Service.Hosting;

namespace Channel.Service.Telegram;

/// <summary>
/// How the service reaches Telegram (<c>Telegram:*</c>) and the limits of our own onboarding policy
/// (<c>Onboarding:*</c>), validated when the host is built. Defaults: Telegram's production DCs and RSA key.
/// </summary>
internal sealed class TelegramSettings
{
    public const string EndpointsKey = "Telegram:Endpoints";
    public const string PublicKeysKey = "Telegram:PublicKeys";
    public const string SandboxKey = "Telegram:Sandbox";
    public const string TransportKey = "Telegram:Transport";
    public const string RequestTimeoutKey = "Telegram:RequestTimeout";
    public const string SessionCheckIntervalKey = "Telegram:SessionCheckInterval";
    public const string MaxWrongCodesKey = "Onboarding:MaxWrongCodes";
    public const string MaxWrongPasswordsKey = "Onboarding:MaxWrongPasswords";
    public const string SendCodeLimitKey = "Onboarding:SendCodeLimit";
    public const string SendCodeWindowKey = "Onboarding:SendCodeWindow";

    /// <summary>The API layer is fixed by the generated schema; it is not configurable.</summary>
    public const int Layer = MTProtoClientOptions.Layer;

    /// <summary>DC id → "host:port" addresses; from the sandbox emulator in sandbox mode.</summary>
    public required IReadOnlyDictionary<int, IReadOnlyList<string>> DataCenters { get; init; }

    public required IReadOnlyList<RsaPublicKey> ServerPublicKeys { get; init; }

    public required bool Sandbox { get; init; }

    public required TransportKind Transport { get; init; }

    /// <summary>How long one Telegram call may take, connecting included, before the RPC fails with UNAVAILABLE.</summary>
    public required TimeSpan RequestTimeout { get; init; }

    /// <summary>How often every Active account's session is checked; zero turns the checks off.</summary>
    public required TimeSpan SessionCheckInterval { get; init; }

    /// <summary>Wrong codes accepted per sent code; the last one cancels the code.</summary>
    public required int MaxWrongCodes { get; init; }

    /// <summary>Wrong 2FA passwords accepted per login; the last one cancels the login.</summary>
    public required int MaxWrongPasswords { get; init; }

    /// <summary>SendCode + ResendCode calls that reach Telegram per phone number within <see cref="SendCodeWindow"/>.</summary>
    public required int SendCodeLimit { get; init; }

    public required TimeSpan SendCodeWindow { get; init; }

    public static TelegramSettings Load(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var sandbox = ConfigurationValues.ParseBool(configuration, SandboxKey, defaultValue: false);
        return new TelegramSettings
        {
            Sandbox = sandbox,
            DataCenters = LoadEndpoints(configuration),
            ServerPublicKeys = LoadPublicKeys(configuration),
            Transport = ParseTransport(configuration[TransportKey]),
            RequestTimeout = ParseDuration(configuration[RequestTimeoutKey], RequestTimeoutKey, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5)),
            SessionCheckInterval = ParseDuration(configuration[SessionCheckIntervalKey], SessionCheckIntervalKey, TimeSpan.FromMinutes(5), TimeSpan.FromDays(1), zeroAllowed: true),
            MaxWrongCodes = ConfigurationValues.ParseInt(configuration, MaxWrongCodesKey, defaultValue: 5, min: 1, max: 100),
            MaxWrongPasswords = ConfigurationValues.ParseInt(configuration, MaxWrongPasswordsKey, defaultValue: 5, min: 1, max: 100),
            SendCodeLimit = ConfigurationValues.ParseInt(configuration, SendCodeLimitKey, defaultValue: 5, min: 1, max: 10_000),
            SendCodeWindow = ParseDuration(configuration[SendCodeWindowKey], SendCodeWindowKey, TimeSpan.FromHours(1), TimeSpan.FromDays(7)),
        };
    }

    /// <summary>"2>127.0.0.1:4430", one per index; several entries may name the same DC (tried in order).</summary>
    private static Dictionary<int, IReadOnlyList<string>> LoadEndpoints(IConfiguration configuration)
    {
        var entries = Indexed(configuration, EndpointsKey);
        if (entries.Count == 0)
        {
            return MTProtoClientOptions.ProductionDataCenters.ToDictionary(p => p.Key, p => p.Value);
        }

        var result = new Dictionary<int, List<string>>();
        foreach (var (key, value) in entries)
        {
            var separator = value.IndexOf('>', StringComparison.Ordinal);
            if (separator <= 0
                || !int.TryParse(value.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var dcId)
                || dcId <= 0)
            {
                throw new InvalidConfigurationException(key, "expected '<dc id>><host>:<port>', for example 2>127.0.0.1:4430.");
            }

            var address = value[(separator + 1)..].Trim();
            try
            {
                MTProtoClientOptions.ParseEndPoint(address);
            }
            catch (FormatException)
            {
                throw new InvalidConfigurationException(key, "expected '<dc id>><host>:<port>', for example 2>127.0.0.1:4430.");
            }

            if (!result.TryGetValue(dcId, out var list))
            {
                result[dcId] = list = [];
            }

            list.Add(address);
        }

        return result.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value);
    }

    private static List<RsaPublicKey> LoadPublicKeys(IConfiguration configuration)
    {
        var entries = Indexed(configuration, PublicKeysKey);
        if (entries.Count == 0)
        {
            return [TelegramPublicKeys.Production];
        }

        var keys = new List<RsaPublicKey>();
        foreach (var (key, path) in entries)
        {
            string pem;
            try
            {
                pem = File.ReadAllText(path);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                throw new InvalidConfigurationException(key, $"cannot read the PEM file '{path}' ({exception.GetType().Name}).");
            }

            try
            {
                keys.Add(RsaPublicKey.FromPem(pem));
            }
            catch (Exception exception) when (exception is ArgumentException or System.Security.Cryptography.CryptographicException)
            {
                throw new InvalidConfigurationException(key, $"'{path}' is not a 2048-bit RSA public key in PEM.");
            }
        }

        return keys;
    }

    /// <summary>The non-blank children of <paramref name="section"/> in index order, with their full keys.</summary>
    private static List<(string Key, string Value)> Indexed(IConfiguration configuration, string section)
    {
        var entries = new List<(int Index, string Key, string Value)>();
        foreach (var child in configuration.GetSection(section).GetChildren())
        {
            if (!int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                throw new InvalidConfigurationException(child.Path, $"{section} is a list: use {section}:0, {section}:1 ...");
            }

            if (!string.IsNullOrWhiteSpace(child.Value))
            {
                entries.Add((index, child.Path, child.Value.Trim()));
            }
        }

        return [.. entries.OrderBy(e => e.Index).Select(e => (e.Key, e.Value))];
    }

    private static TransportKind ParseTransport(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "intermediate" => TransportKind.Intermediate,
        "abridged" => TransportKind.Abridged,
        "paddedintermediate" or "padded-intermediate" => TransportKind.PaddedIntermediate,
        "full" => TransportKind.Full,
        _ => throw new InvalidConfigurationException(TransportKey, "expected 'intermediate', 'padded-intermediate', 'abridged' or 'full'."),
    };

    private static TimeSpan ParseDuration(string? text, string key, TimeSpan defaultValue, TimeSpan max, bool zeroAllowed = false)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return defaultValue;
        }

        return TimeSpan.TryParse(text.Trim(), CultureInfo.InvariantCulture, out var value) && (value > TimeSpan.Zero || (zeroAllowed && value == TimeSpan.Zero)) && value <= max
            ? value
            : throw new InvalidConfigurationException(key, string.Create(CultureInfo.InvariantCulture, $"expected a duration such as {defaultValue:c} ({(zeroAllowed ? "zero to turn it off" : "more than zero")}, at most {max:c})."));
    }
}
