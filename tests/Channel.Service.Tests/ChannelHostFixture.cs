using Channel.Service.Tests.Onboarding;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Channel.Service.Tests;

/// <summary>
/// The real host on Kestrel (HTTP/2 cleartext, a free loopback port) with its embedded SQLite defaults in a temporary
/// data directory, called through a real <see cref="GrpcChannel"/> (an <see cref="OnboardingHost"/> shared by a class).
/// </summary>
public sealed class ChannelHostFixture : IAsyncLifetime
{
    private static long _nextTenant = DateTime.UtcNow.Ticks % 1_000_000_000;
    private readonly OnboardingHostFixture _host = new();

    public GrpcChannel Channel => _host.Host.Channel;

    public IServiceProvider Services => _host.Host.Services;

    /// <summary>A tenant id no other test uses, so tests sharing the host do not see each other's accounts.</summary>
    public static long NewTenant() => Interlocked.Increment(ref _nextTenant);

    public ValueTask InitializeAsync() => _host.InitializeAsync();

    public AsyncServiceScope CreateScope() => Services.CreateAsyncScope();

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
