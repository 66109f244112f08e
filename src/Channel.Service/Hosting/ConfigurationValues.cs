using System.Globalization;
using Channel.Persistence.Configuration;

namespace Channel.Service.Hosting;

/// <summary>Parsing of single configuration values; every problem is an <see cref="InvalidConfigurationException"/> naming the key.</summary>
internal static class ConfigurationValues
{
    public static bool ParseBool(IConfiguration configuration, string key, bool defaultValue)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return defaultValue;
        }

        return bool.TryParse(text.Trim(), out var value) ? value : throw new InvalidConfigurationException(key, "expected 'true' or 'false'.");
    }

    /// <summary>
    /// One of <typeparamref name="TEnum"/>'s names, in any case. Names only: a number such as "1" must not silently
    /// pick a value. <paramref name="expected"/> lists the names for the error.
    /// </summary>
    public static TEnum ParseEnumName<TEnum>(IConfiguration configuration, string key, TEnum defaultValue, string expected)
        where TEnum : struct, Enum
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return defaultValue;
        }

        text = text.Trim();
        return !char.IsAsciiDigit(text[0]) && Enum.TryParse<TEnum>(text, ignoreCase: true, out var value)
            ? value
            : throw new InvalidConfigurationException(key, expected);
    }

    public static int ParseInt(IConfiguration configuration, string key, int defaultValue, int min, int max)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return defaultValue;
        }

        return int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new InvalidConfigurationException(key, string.Create(CultureInfo.InvariantCulture, $"expected a whole number from {min} to {max}."));
    }

    public static TimeSpan ParseDuration(IConfiguration configuration, string key, TimeSpan defaultValue, TimeSpan max)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return defaultValue;
        }

        return TimeSpan.TryParse(text.Trim(), CultureInfo.InvariantCulture, out var value) && value > TimeSpan.Zero && value <= max
            ? value
            : throw new InvalidConfigurationException(key, string.Create(CultureInfo.InvariantCulture, $"expected a duration such as {defaultValue:c} (more than zero, at most {max:c})."));
    }

    /// <summary>An absolute http:// URL with no path or query, as Kestrel binds it.</summary>
    public static Uri ParseHttpUrl(IConfiguration configuration, string key, string defaultValue)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            text = defaultValue;
        }

        // Cleartext only: TLS terminates in front of the service (a mesh or reverse proxy).
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttp
            || url.AbsolutePath != "/" || !string.IsNullOrEmpty(url.Query))
        {
            throw new InvalidConfigurationException(key, $"expected an http:// URL with a host and port, for example {defaultValue} or http://0.0.0.0:{new Uri(defaultValue).Port}.");
        }

        return url;
    }
}
