using Channel.Persistence.Configuration;

namespace Channel.Service.Observability;

/// <summary>
/// Where traces and metrics go besides the Prometheus endpoint: OTLP when <c>Telemetry:OtlpEndpoint</c> or the standard
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the exporter reads the other OTEL_* variables itself).
/// </summary>
internal sealed class ObservabilitySettings
{
    public const string OtlpEndpointKey = "Telemetry:OtlpEndpoint";
    public const string OtlpEnvironmentVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string ServiceNameKey = "Telemetry:ServiceName";

    public Uri? OtlpEndpoint { get; init; }

    public bool UsesOtlpFromEnvironment { get; init; }

    public required string ServiceName { get; init; }

    public bool ExportsOtlp => OtlpEndpoint is not null || UsesOtlpFromEnvironment;

    public static ObservabilitySettings Load(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        Uri? endpoint = null;
        var text = configuration[OtlpEndpointKey];
        if (!string.IsNullOrWhiteSpace(text)
            && (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)))
        {
            throw new InvalidConfigurationException(OtlpEndpointKey, "expected an http:// or https:// URL of an OTLP collector, for example http://otel-collector:4317.");
        }

        var serviceName = configuration[ServiceNameKey];
        return new ObservabilitySettings
        {
            OtlpEndpoint = endpoint,
            UsesOtlpFromEnvironment = !string.IsNullOrWhiteSpace(configuration[OtlpEnvironmentVariable])
                || !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(OtlpEnvironmentVariable)),
            ServiceName = string.IsNullOrWhiteSpace(serviceName) ? "channel" : serviceName.Trim(),
        };
    }
}
