using Channel.Tests.Infrastructure;

namespace Channel.Service.Tests.Messaging;

/// <summary>
/// A throwaway RabbitMQ node for a test (<see cref="RabbitMqServer"/>): <see cref="StopAsync"/> kills it,
/// <see cref="StartAsync"/> starts it again on the same port and data (an outage). Missing binary: the test fails
/// when CI=true, and is skipped otherwise.
/// </summary>
public sealed class RabbitMqNode : IAsyncLifetime
{
    public const string ServerPath = RabbitMqServer.ServerPath;
    private readonly RabbitMqServer _server = new();

    public int Port => _server.Port;

    /// <summary>amqp://guest:guest@127.0.0.1:port/ (guest is allowed on loopback).</summary>
    public Uri AmqpUri => _server.AmqpUri;

    public static bool IsInstalled => RabbitMqServer.IsInstalled;

    /// <summary>Fails under CI=true (the broker must be there), skips elsewhere.</summary>
    public static void RequireInstalled()
    {
        if (IsInstalled)
        {
            return;
        }

        const string reason = $"RabbitMQ is not installed ({ServerPath}); scripts/test.sh installs it when run as root on Debian.";
        if (string.Equals(System.Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(reason);
        }

        Assert.Skip(reason);
    }

    public async ValueTask InitializeAsync()
    {
        if (IsInstalled)
        {
            await StartAsync();
        }
    }

    public Task StartAsync()
    {
        RequireInstalled();
        return _server.StartAsync();
    }

    public Task StopAsync() => _server.StopAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
