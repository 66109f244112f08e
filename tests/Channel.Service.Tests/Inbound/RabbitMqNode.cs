using System.Diagnostics;
using System.Net.Sockets;

namespace Channel.Service.Tests.Inbound;

/// <summary>
/// A throwaway RabbitMQ node (Debian's rabbitmq-server, installed by scripts/test.sh) on free loopback ports, with
/// its data in a temporary directory. Started as the current user through the Erlang entry point, not the /usr/sbin
/// wrapper (which switches user). Without the package: skipped with the reason, except in CI (CI=true), where the
/// test fails: these tests must run there.
/// </summary>
public sealed class RabbitMqNode : IAsyncDisposable
{
    private const string Server = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    private readonly string _directory;
    private readonly string _name;
    private Process? _process;

    private RabbitMqNode(string directory, string name, int port)
    {
        _directory = directory;
        _name = name;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The default vhost as guest (allowed on loopback).</summary>
    public string ConnectionString => $"amqp://guest:guest@127.0.0.1:{Port}/";

    public static async Task<RabbitMqNode> StartNewAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Server))
        {
            if (Environment.GetEnvironmentVariable("CI") == "true")
            {
                Assert.Fail($"{Server} is missing: scripts/test.sh installs rabbitmq-server, and in CI these tests must run.");
            }

            Assert.Skip($"{Server} is not installed (scripts/test.sh installs it as root).");
        }

        var directory = Path.Combine(Path.GetTempPath(), "channel-rabbitmq", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var node = new RabbitMqNode(directory, $"channel{Guid.NewGuid():N}"[..20], ServiceProcess.FreePort());
        await node.StartAsync(cancellationToken);
        return node;
    }

    /// <summary>Starts (again) on the same port and data, and waits until AMQP accepts connections.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(Server) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var distPort = Port + 20000 <= 65535 ? Port + 20000 : Port - 20000;
        info.Environment["HOME"] = _directory;
        info.Environment["RABBITMQ_NODENAME"] = $"{_name}@localhost";
        info.Environment["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1";
        info.Environment["RABBITMQ_NODE_PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["RABBITMQ_DIST_PORT"] = distPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["RABBITMQ_MNESIA_BASE"] = Path.Combine(_directory, "mnesia");
        info.Environment["RABBITMQ_LOG_BASE"] = Path.Combine(_directory, "log");
        info.Environment["RABBITMQ_CONFIG_FILE"] = Path.Combine(_directory, "rabbitmq");
        info.Environment["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(_directory, "enabled_plugins");
        await File.WriteAllTextAsync(Path.Combine(_directory, "enabled_plugins"), "[].", cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(_directory, "rabbitmq.conf"), "loopback_users.guest = true\n", cancellationToken);
        _process = Process.Start(info) ?? throw new InvalidOperationException("rabbitmq-server did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (!await AcceptsAsync(cancellationToken))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"The RabbitMQ node did not come up (exited: {_process.HasExited}); logs in {_directory}/log.");
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>Stops the node hard (the broker "goes down"); its data stays for <see cref="StartAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }

        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<bool> AcceptsAsync(CancellationToken cancellationToken)
    {
        try
        {
            var factory = new RabbitMQ.Client.ConnectionFactory { Uri = new Uri(ConnectionString) };
            await using var connection = await factory.CreateConnectionAsync(cancellationToken);
            return connection.IsOpen;
        }
        catch (Exception exception) when (exception is RabbitMQ.Client.Exceptions.BrokerUnreachableException or SocketException or IOException)
        {
            return false;
        }
    }
}
