using Channel.Persistence;
using Channel.Persistence.Configuration;
using Channel.Service.Errors;
using Channel.Service.Grpc;
using Channel.Service.Sandbox;
using Channel.Service.Telegram;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Channel.Service.Hosting;

/// <summary>
/// Builds and runs the gRPC host. Tests build the same host with their own arguments (a temporary data directory,
/// <c>--Service:ListenUrl=http://127.0.0.1:0</c>) and call it over a real HTTP/2 connection.
/// </summary>
public static class ChannelHost
{
    /// <summary>Builds the host; throws <see cref="InvalidConfigurationException"/> naming the key on bad configuration.</summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(SandboxArguments.Normalize(args));
        var settings = ServiceSettings.Load(builder.Configuration);
        builder.WebHost.UseUrls(settings.ListenUrl.GetLeftPart(UriPartial.Authority));
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http2));

        builder.Services.AddChannelPersistence(builder.Configuration, builder.Environment.ContentRootPath);
        builder.Services.AddChannelUseCases();
        builder.Services.AddChannelTelegram(builder.Configuration);
        builder.Services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<ExceptionMappingInterceptor>();
            grpc.EnableDetailedErrors = false;
        });
        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpcHealthChecks().AddCheck<DatabaseHealthCheck>("database");

        var app = builder.Build();
        app.MapGrpcService<TelegramAccountsService>();
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
