using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using RabbitMQ.Client;

namespace Channel.Tests.Infrastructure;

/// <summary>
/// A throwaway RabbitMQ node (Debian's rabbitmq-server, no Docker) on free loopback ports with its data, logs and HOME
/// in a temporary directory. <see cref="StopAsync"/> kills it; <see cref="StartAsync"/> starts it again on the same
/// port and data (an outage). Dispose kills it and deletes the directory. Shared, as a linked source, by the tests'
/// RabbitMqNode and the benchmarks' load rig.
/// </summary>
internal sealed class RabbitMqServer : IAsyncDisposable
{
    public const string ServerPath = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "channel-rabbitmq", Guid.NewGuid().ToString("N"));
    private readonly string _nodeName = $"channel{Guid.NewGuid():N}@localhost";
    private readonly int _epmdPort = FreePort();
    private readonly int _distPort = FreePort();
    private Process? _process;

    public int Port { get; } = FreePort();

    /// <summary>amqp://guest:guest@127.0.0.1:port/ (guest is allowed on loopback).</summary>
    public Uri AmqpUri => new($"amqp://guest:guest@127.0.0.1:{Port}/");

    public static bool IsInstalled => File.Exists(ServerPath);

    /// <exception cref="InvalidOperationException">Not installed, or the node did not answer within 90 s.</exception>
    public async Task StartAsync()
    {
        if (!IsInstalled)
        {
            throw new InvalidOperationException($"RabbitMQ is not installed ({ServerPath}); scripts/test.sh installs it when run as root on Debian.");
        }

        Directory.CreateDirectory(Path.Combine(_root, "home"));
        await File.WriteAllTextAsync(Path.Combine(_root, "rabbitmq.conf"), "loopback_users.guest = true\n");
        await File.WriteAllTextAsync(Path.Combine(_root, "enabled_plugins"), "[].\n");
        var start = new ProcessStartInfo(ServerPath) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in NodeEnvironment())
        {
            start.Environment[key] = value;
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("rabbitmq-server did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitUntilAmqpAnswersAsync();
    }

    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;

        // The port must be free again before a restart.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await AnswersAsync() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            var epmd = new ProcessStartInfo("epmd", "-kill") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            epmd.Environment["ERL_EPMD_PORT"] = _epmdPort.ToString(CultureInfo.InvariantCulture);
            using var kill = Process.Start(epmd);
            if (kill is not null)
            {
                await kill.WaitForExitAsync();
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // epmd not on PATH: nothing to stop.
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private IEnumerable<(string Key, string Value)> NodeEnvironment()
    {
        var invariant = CultureInfo.InvariantCulture;
        yield return ("HOME", Path.Combine(_root, "home"));
        yield return ("RABBITMQ_NODENAME", _nodeName);
        yield return ("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1");
        yield return ("RABBITMQ_NODE_PORT", Port.ToString(invariant));
        yield return ("RABBITMQ_DIST_PORT", _distPort.ToString(invariant));
        yield return ("ERL_EPMD_PORT", _epmdPort.ToString(invariant));
        yield return ("RABBITMQ_MNESIA_BASE", Path.Combine(_root, "mnesia"));
        yield return ("RABBITMQ_LOG_BASE", Path.Combine(_root, "log"));
        yield return ("RABBITMQ_CONFIG_FILE", Path.Combine(_root, "rabbitmq.conf"));
        yield return ("RABBITMQ_ENABLED_PLUGINS_FILE", Path.Combine(_root, "enabled_plugins"));
        yield return ("RABBITMQ_PID_FILE", Path.Combine(_root, "rabbitmq.pid"));
    }

    private async Task WaitUntilAmqpAnswersAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!await AnswersAsync())
        {
            if (_process is { HasExited: true } || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"RabbitMQ node {_nodeName} did not answer on port {Port} (logs in {_root}/log).");
            }

            await Task.Delay(200);
        }
    }

    private async Task<bool> AnswersAsync()
    {
        try
        {
            var factory = new ConnectionFactory { Uri = AmqpUri, RequestedConnectionTimeout = TimeSpan.FromSeconds(2) };
            await using var connection = await factory.CreateConnectionAsync();
            return true;
        }
        catch (Exception exception) when (exception is RabbitMQ.Client.Exceptions.BrokerUnreachableException or IOException or SocketException)
        {
            return false;
        }
    }
}
