using System.Diagnostics.Metrics;
using Channel.MTProto.Client;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Channel.Service.Observability;

internal static class ObservabilityServiceCollectionExtensions
{
    /// <summary>
    /// OpenTelemetry: metrics (ours, the MTProto client's, ASP.NET Core's) on the Prometheus endpoint of the management
    /// listener and, with OTLP configured, exported; traces (gRPC calls, MTProto calls, inbound batches, outbox
    /// dispatch, MassTransit publish/consume) only when OTLP is configured, since nothing else would read them.
    /// </summary>
    public static IServiceCollection AddChannelObservability(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = ObservabilitySettings.Load(configuration);
        services.AddSingleton(settings);
        services.AddSingleton<ChannelMetrics>();
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(settings.ServiceName))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(ChannelMetrics.MeterName, MTProtoTelemetry.Name);

                // Meters are matched by name across the process: a second host in it (an embedder's, a test's) has its
                // own "Channel" and ASP.NET Core meters, and its gauges would overwrite ours. Keep this host's own.
                ((IDeferredMeterProviderBuilder)metrics).Configure((provider, builder) =>
                {
                    var ours = provider.GetRequiredService<IMeterFactory>();
                    builder.AddView(instrument =>
                        instrument.Meter.Scope is IMeterFactory factory && !ReferenceEquals(factory, ours) ? MetricStreamConfiguration.Drop : null);
                });
                metrics.AddAspNetCoreInstrumentation();
                metrics.AddPrometheusExporter();
                if (settings.ExportsOtlp)
                {
                    metrics.AddOtlpExporter(otlp => ConfigureEndpoint(otlp, settings));
                }
            });
        if (settings.ExportsOtlp)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(ChannelTelemetry.SourceName, MTProtoTelemetry.Name, "MassTransit")
                .AddAspNetCoreInstrumentation()
                .AddOtlpExporter(otlp => ConfigureEndpoint(otlp, settings)));
        }

        return services;
    }

    private static void ConfigureEndpoint(OpenTelemetry.Exporter.OtlpExporterOptions options, ObservabilitySettings settings)
    {
        if (settings.OtlpEndpoint is { } endpoint)
        {
            options.Endpoint = endpoint;
        }
    }
}
