using Channel.Persistence.Configuration;
using Microsoft.AspNetCore.Hosting;

namespace Channel.Service.Hosting;

/// <summary>
/// Where the host listens, validated when the host is built. The gRPC (h2c) listener follows the platform as ASP.NET
/// Core documents it: <c>Kestrel:Endpoints</c> first, else <c>--urls</c> / <c>ASPNETCORE_URLS</c>, else
/// <c>ASPNETCORE_HTTP_PORTS</c>; <c>Service:ListenUrl</c> only when none of them is set. The management listener
/// (HTTP/1.1: metrics and health probes) is <c>Service:ManagementUrl</c>.
/// </summary>
internal sealed class ServiceSettings
{
    public const string ListenUrlKey = "Service:ListenUrl";
    public const string DefaultListenUrl = "http://127.0.0.1:5000";
    public const string ManagementUrlKey = "Service:ManagementUrl";
    public const string DefaultManagementUrl = "http://127.0.0.1:5001";
    public const string KestrelEndpointsKey = "Kestrel:Endpoints";

    /// <summary>The gRPC addresses to bind; empty when <c>Kestrel:Endpoints</c> configures them.</summary>
    public required IReadOnlyList<BindingAddress> GrpcAddresses { get; init; }

    /// <summary>Which setting <see cref="GrpcAddresses"/> came from, for the start-up log.</summary>
    public required string GrpcAddressSource { get; init; }

    public required Uri ManagementUrl { get; init; }

    public static ServiceSettings Load(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var managementUrl = ConfigurationValues.ParseHttpUrl(configuration, ManagementUrlKey, DefaultManagementUrl);
        if (configuration.GetSection(KestrelEndpointsKey).GetChildren().Any())
        {
            return new ServiceSettings { GrpcAddresses = [], GrpcAddressSource = KestrelEndpointsKey, ManagementUrl = managementUrl };
        }

        // The host's own keys: ASPNETCORE_URLS and --urls are "urls"; ASPNETCORE_HTTP_PORTS and DOTNET_HTTP_PORTS are "http_ports".
        var (key, addresses) = configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } urls && !string.IsNullOrWhiteSpace(urls)
            ? (WebHostDefaults.ServerUrlsKey, ParseUrls(WebHostDefaults.ServerUrlsKey, urls))
            : configuration[WebHostDefaults.HttpPortsKey] is { } ports && !string.IsNullOrWhiteSpace(ports)
                ? (WebHostDefaults.HttpPortsKey, ParsePorts(ports))
                : (ListenUrlKey, [BindingAddress.Parse(ConfigurationValues.ParseHttpUrl(configuration, ListenUrlKey, DefaultListenUrl).GetLeftPart(UriPartial.Authority))]);
        return new ServiceSettings { GrpcAddresses = addresses, GrpcAddressSource = key, ManagementUrl = managementUrl };
    }

    private static List<BindingAddress> ParseUrls(string key, string urls)
    {
        var addresses = new List<BindingAddress>();
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            BindingAddress address;
            try
            {
                address = BindingAddress.Parse(url);
            }
            catch (FormatException)
            {
                throw new InvalidConfigurationException(key, $"'{url}' is not a URL such as http://0.0.0.0:8080 or http://+:8080.");
            }

            if (!string.Equals(address.Scheme, Uri.UriSchemeHttp, StringComparison.OrdinalIgnoreCase) || address.PathBase.Length > 0)
            {
                // TLS terminates in front of the service (a mesh or reverse proxy): the gRPC listener is cleartext HTTP/2.
                throw new InvalidConfigurationException(key, $"'{url}': the gRPC listener takes http:// URLs without a path (cleartext HTTP/2).");
            }

            addresses.Add(address);
        }

        return addresses.Count > 0 ? addresses : throw new InvalidConfigurationException(key, "no URL given.");
    }

    private static List<BindingAddress> ParsePorts(string ports)
    {
        var addresses = new List<BindingAddress>();
        foreach (var port in ports.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!ushort.TryParse(port, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
            {
                throw new InvalidConfigurationException(WebHostDefaults.HttpPortsKey, $"'{port}' is not a port number.");
            }

            addresses.Add(BindingAddress.Parse($"http://*:{port}"));
        }

        return addresses.Count > 0 ? addresses : throw new InvalidConfigurationException(WebHostDefaults.HttpPortsKey, "no port given.");
    }
}
