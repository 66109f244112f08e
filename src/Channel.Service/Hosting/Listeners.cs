using System.Net;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Channel.Service.Hosting;

/// <summary>
/// The two listeners: gRPC over cleartext HTTP/2 where the platform says (<see cref="ServiceSettings"/>), and the
/// HTTP/1.1 management listener for load balancers and Prometheus (<c>/healthz/live</c>, <c>/healthz/ready</c>,
/// <c>/metrics</c>), which answers nothing else; those paths answer on the management listener only.
/// </summary>
internal static class Listeners
{
    public const string LivePath = "/healthz/live";
    public const string ReadyPath = "/healthz/ready";
    public const string MetricsPath = "/metrics";

    // Set on every connection accepted by the management listener.
    private const string ManagementConnection = "channel.management";

    public static void ConfigureListeners(this WebApplicationBuilder builder, ServiceSettings settings)
    {
        // Our Listen calls below replace the URL settings (which we have read); cleared so Kestrel does not warn that
        // it overrides them. Kestrel:Endpoints, when present, Kestrel binds itself, with HTTP/2 as their default.
        builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, string.Empty);
        builder.WebHost.UseSetting(WebHostDefaults.HttpPortsKey, string.Empty);
        builder.Services.AddSingleton<ManagementListener>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http2);
            foreach (var address in settings.GrpcAddresses)
            {
                Listen(kestrel, address, _ => { });
            }

            Listen(kestrel, BindingAddress.Parse(settings.ManagementUrl.GetLeftPart(UriPartial.Authority)), listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                kestrel.ApplicationServices.GetRequiredService<ManagementListener>().Options = listen;
                listen.Use(next => connection =>
                {
                    connection.Items[ManagementConnection] = true;
                    return next(connection);
                });
            });
        });
    }

    /// <summary>The probes and the metrics endpoint, on the management listener only.</summary>
    public static void MapManagementEndpoints(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            var management = context.Features.Get<IConnectionItemsFeature>()?.Items.ContainsKey(ManagementConnection) == true;
            var managementPath = context.Request.Path.StartsWithSegments("/healthz", StringComparison.Ordinal)
                || context.Request.Path.StartsWithSegments(MetricsPath, StringComparison.Ordinal);
            if (management != managementPath)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return next(context);
        });
        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(HealthServices.Liveness) });
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(HealthServices.Readiness) });
        app.MapPrometheusScrapingEndpoint(MetricsPath);
    }

    private static void Listen(KestrelServerOptions kestrel, BindingAddress address, Action<ListenOptions> configure)
    {
        if (address.IsUnixPipe)
        {
            kestrel.ListenUnixSocket(address.UnixPipePath, configure);
        }
        else if (string.Equals(address.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.ListenLocalhost(address.Port, configure);
        }
        else if (IPAddress.TryParse(address.Host, out var ip))
        {
            kestrel.Listen(ip, address.Port, configure);
        }
        else
        {
            // "*", "+" and host names: every interface, as Kestrel binds them.
            kestrel.ListenAnyIP(address.Port, configure);
        }
    }
}
