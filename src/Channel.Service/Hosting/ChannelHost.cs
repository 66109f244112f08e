using Channel.Persistence;
using Channel.Persistence.Configuration;
using Channel.Service.Auth;
using Channel.Service.Errors;
using Channel.Service.Grpc;
using Channel.Service.Media;
using Channel.Service.Messaging;
using Channel.Service.Observability;
using Channel.Service.Outbound;
using Channel.Service.Runtime;
using Channel.Service.Sandbox;
using Channel.Service.Telegram;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Channel.Service.Hosting;

/// <summary>
/// Builds and runs the gRPC host. Tests build the same host with their own arguments (a temporary data directory,
/// <c>--Service:ListenUrl=http://127.0.0.1:0</c>, a management port, an API key) and call it over a real HTTP/2 connection.
/// </summary>
public static class ChannelHost
{
    /// <summary>Builds the host; throws <see cref="InvalidConfigurationException"/> naming the key on bad configuration.</summary>
    public static WebApplication Build(string[] args) => Build(args, configureServices: null);

    /// <summary>As <see cref="Build(string[])"/>; <paramref name="configureServices"/> runs last (tests replace services).</summary>
    internal static WebApplication Build(string[] args, Action<IServiceCollection>? configureServices)
    {
        var builder = WebApplication.CreateBuilder(SandboxArguments.Normalize(args));
        var settings = ServiceSettings.Load(builder.Configuration);
        builder.ConfigureListeners(settings);

        builder.Services.AddChannelPersistence(builder.Configuration, builder.Environment.ContentRootPath);
        builder.Services.AddChannelUseCases();
        builder.Services.AddChannelTelegram(builder.Configuration);
        builder.Services.AddChannelRuntime(builder.Configuration);
        builder.Services.AddChannelMessaging(builder.Configuration);
        builder.Services.AddChannelAuth(builder.Configuration);
        builder.Services.AddChannelObservability(builder.Configuration);
        builder.Services.AddChannelOutbound(builder.Configuration);
        builder.Services.AddChannelMedia(builder.Configuration);
        builder.Services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<ApiKeyInterceptor>();
            grpc.Interceptors.Add<ExceptionMappingInterceptor>();
            grpc.EnableDetailedErrors = false;
        });
        builder.Services.AddGrpcReflection();
        builder.Services
            .AddGrpcHealthChecks(health =>
            {
                // For Kubernetes gRPC probes, which name a service: "liveness" holds while the process answers (a
                // database outage must not get it restarted); "readiness", like "" (the whole server), needs the
                // database, the broker and the account runtime's first pass.
                health.Services.Map(string.Empty, result => result.Tags.Contains(HealthServices.Readiness));
                health.Services.Map(HealthServices.Liveness, result => result.Tags.Contains(HealthServices.Liveness));
                health.Services.Map(HealthServices.Readiness, result => result.Tags.Contains(HealthServices.Readiness));
            })
            .AddCheck("process", static () => HealthCheckResult.Healthy(), tags: [HealthServices.Liveness])
            .AddCheck<DatabaseHealthCheck>("database", tags: [HealthServices.Readiness])
            .AddCheck<RuntimeHealthCheck>("runtime", tags: [HealthServices.Readiness]);

        configureServices?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapManagementEndpoints();
        app.MapGrpcService<TelegramAccountsService>();
        app.MapGrpcService<TelegramMessagesService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        return app;
    }

    /// <summary>Runs until shutdown. Returns 2 after one line on stderr when the configuration is invalid.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        WebApplication app;
        try
        {
            app = Build(args);
        }
        catch (InvalidConfigurationException exception)
        {
            await Console.Error.WriteLineAsync(exception.Message);
            return 2;
        }

        await using (app)
        {
            await app.RunAsync();
        }

        return 0;
    }
}
