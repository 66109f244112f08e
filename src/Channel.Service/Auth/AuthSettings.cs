using System.Globalization;
using Channel.Domain.Accounts;
using Channel.Persistence.Configuration;
using Channel.Service.Hosting;

namespace Channel.Service.Auth;

/// <summary>
/// <c>Auth:*</c>, validated when the host is built: the API keys (hashed), whether authentication is off, and the
/// per-key / per-phone limits on the login RPCs. With no key configured the service refuses to start unless
/// <c>Auth:Disabled=true</c>; sandbox mode (<c>Telegram:Sandbox=true</c>) turns it off by default when no key is configured.
/// </summary>
internal sealed class AuthSettings
{
    public const string DisabledKey = "Auth:Disabled";
    public const string ApiKeysKey = "Auth:ApiKeys";
    public const string PerKeyLimitKey = "Auth:RateLimit:PerKey";
    public const string PerPhoneLimitKey = "Auth:RateLimit:PerPhone";
    public const string WindowKey = "Auth:RateLimit:Window";
    private const string SandboxKey = "Telegram:Sandbox";

    public required IReadOnlyList<ApiKey> ApiKeys { get; init; }

    /// <summary>Every call acts as the service itself, for every tenant.</summary>
    public required bool Disabled { get; init; }

    /// <summary>Disabled only because sandbox mode is on and no key was configured (logged at start-up).</summary>
    public required bool DisabledBySandbox { get; init; }

    /// <summary>Login RPCs (SendCode, ResendCode, VerifyCode, SubmitPassword) per API key per <see cref="Window"/>.</summary>
    public required int PerKeyLimit { get; init; }

    /// <summary>Login RPCs per phone number per <see cref="Window"/>, on top of Onboarding:SendCodeLimit.</summary>
    public required int PerPhoneLimit { get; init; }

    public required TimeSpan Window { get; init; }

    public static AuthSettings Load(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var keys = LoadKeys(configuration);
        var disabledText = configuration[DisabledKey];
        var sandbox = ConfigurationValues.ParseBool(configuration, SandboxKey, defaultValue: false);
        var disabledBySandbox = string.IsNullOrWhiteSpace(disabledText) && sandbox && keys.Count == 0;
        var disabled = disabledBySandbox || ConfigurationValues.ParseBool(configuration, DisabledKey, defaultValue: false);
        if (!disabled && keys.Count == 0)
        {
            throw new InvalidConfigurationException(
                ApiKeysKey, $"no API key is configured: add {ApiKeysKey}:0:Sha256 (channel-cli generate-key prints one) with {ApiKeysKey}:0:HelpdeskAccountIds:0 or {ApiKeysKey}:0:Admin=true, or set {DisabledKey}=true to accept every caller.");
        }

        if (disabled && keys.Count > 0)
        {
            throw new InvalidConfigurationException(DisabledKey, $"{DisabledKey}=true would ignore the configured {ApiKeysKey}; remove one of them.");
        }

        return new AuthSettings
        {
            ApiKeys = keys,
            Disabled = disabled,
            DisabledBySandbox = disabledBySandbox,
            PerKeyLimit = ConfigurationValues.ParseInt(configuration, PerKeyLimitKey, defaultValue: 300, min: 1, max: 1_000_000),
            PerPhoneLimit = ConfigurationValues.ParseInt(configuration, PerPhoneLimitKey, defaultValue: 30, min: 1, max: 1_000_000),
            Window = ConfigurationValues.ParseDuration(configuration, WindowKey, TimeSpan.FromMinutes(1), TimeSpan.FromDays(1)),
        };
    }

    private static List<ApiKey> LoadKeys(IConfiguration configuration)
    {
        var keys = new List<ApiKey>();
        var hashes = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in configuration.GetSection(ApiKeysKey).GetChildren())
        {
            if (!int.TryParse(entry.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                throw new InvalidConfigurationException(entry.Path, $"{ApiKeysKey} is a list: use {ApiKeysKey}:0, {ApiKeysKey}:1 ...");
            }

            var hashKey = $"{entry.Path}:Sha256";
            var hex = entry["Sha256"]?.Trim();
            if (hex is not { Length: 64 } || !hex.All(char.IsAsciiHexDigit))
            {
                throw new InvalidConfigurationException(hashKey, "expected the key's SHA-256 as 64 hexadecimal characters (channel-cli generate-key prints it).");
            }

            if (!hashes.Add(hex))
            {
                throw new InvalidConfigurationException(hashKey, "the same key is configured twice.");
            }

            var admin = ConfigurationValues.ParseBool(configuration, $"{entry.Path}:Admin", defaultValue: false);
            var tenants = new HashSet<HelpdeskAccountId>();
            foreach (var tenant in entry.GetSection("HelpdeskAccountIds").GetChildren())
            {
                if (!long.TryParse(tenant.Value?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) || !HelpdeskAccountId.IsValid(id))
                {
                    throw new InvalidConfigurationException(tenant.Path, "expected a helpdesk account id (a positive integer).");
                }

                tenants.Add(new HelpdeskAccountId(id));
            }

            if (admin == tenants.Count > 0)
            {
                throw new InvalidConfigurationException(
                    entry.Path, admin
                        ? "an Admin key acts for every helpdesk account: remove its HelpdeskAccountIds."
                        : "the key acts for no one: add HelpdeskAccountIds:0 (and more) or Admin=true.");
            }

            keys.Add(new ApiKey(entry.Path, Convert.FromHexString(hex), admin, tenants));
        }

        return keys;
    }
}
