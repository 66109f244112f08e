using Channel.Persistence.Configuration;

namespace Channel.Service.Hosting;

/// <summary>Settings of the gRPC host itself, validated when the host is built.</summary>
internal sealed class ServiceSettings
{
    public const string ListenUrlKey = "Service:ListenUrl";
    public const string DefaultListenUrl = "http://127.0.0.1:5000";

    public required Uri ListenUrl { get; init; }

    public static ServiceSettings Load(IConfiguration configuration)
    {
        var text = configuration[ListenUrlKey];
        if (string.IsNullOrWhiteSpace(text))
        {
            text = DefaultListenUrl;
        }

        // Cleartext HTTP/2 only: TLS terminates in front of the service (a mesh or reverse proxy).
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttp
            || url.AbsolutePath != "/" || !string.IsNullOrEmpty(url.Query))
        {
            throw new InvalidConfigurationException(ListenUrlKey, "expected an http:// URL with a host and port, for example http://127.0.0.1:5000 or http://0.0.0.0:5000.");
        }

        return new ServiceSettings { ListenUrl = url };
    }
}
