extern alias service;

using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using ChannelHost = service::Channel.Service.Hosting.ChannelHost;

namespace Channel.Service.Tests;

/// <summary>
/// The real host on Kestrel (HTTP/2 cleartext, a free loopback port) with its embedded SQLite defaults in a temporary
/// data directory, called through a real <see cref="GrpcChannel"/>.
/// </summary>
public sealed class ChannelHostFixture : IAsyncLifetime
{
    private static long _nextTenant = DateTime.UtcNow.Ticks % 1_000_000_000;
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "channel-tests", Guid.NewGuid().ToString("N"));
    private WebApplication? _app;
    private GrpcChannel? _channel;

    public GrpcChannel Channel => _channel ?? throw new InvalidOperationException("The host is not started.");

    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("The host is not started.");

    /// <summary>A tenant id no other test uses, so tests sharing the host do not see each other's accounts.</summary>
    public static long NewTenant() => Interlocked.Increment(ref _nextTenant);

    public async ValueTask InitializeAsync()
    {
        _app = ChannelHost.Build(
        [
            $"--Storage:DataDirectory={_dataDirectory}",
            "--Service:ListenUrl=http://127.0.0.1:0",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await _app.StartAsync(TestContext.Current.CancellationToken);
        _channel = GrpcChannel.ForAddress(_app.Urls.Single());
    }

    public AsyncServiceScope CreateScope() => Services.CreateAsyncScope();

    public async ValueTask DisposeAsync()
    {
        _channel?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
