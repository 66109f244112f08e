using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Channel.Grpc.V1;
using Grpc.Net.Client;

namespace Channel.Service.Tests.Inbound;

/// <summary>
/// The service as its own process (the Release build of src/Channel.Service), so a test can SIGKILL it mid-stream
/// and start it again on the same data directory and port. Its output is kept for the assertion messages.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];
    private readonly Lock _outputLock = new();

    private ServiceProcess(Process process, string address)
    {
        _process = process;
        Address = address;
        Channel = TestApiKeys.Channel(address, TestApiKeys.Admin);
        Client = new TelegramAccounts.TelegramAccountsClient(Channel);
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Address { get; }

    public GrpcChannel Channel { get; }

    public TelegramAccounts.TelegramAccountsClient Client { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process printed so far (its console log).</summary>
    public IReadOnlyList<string> Output
    {
        get
        {
            lock (_outputLock)
            {
                return [.. _output];
            }
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts the service on <paramref name="port"/> and waits until its health service answers SERVING.</summary>
    public static Task<ServiceProcess> StartAsync(int port, IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        StartAsync(port, arguments, new Dictionary<string, string>(), cancellationToken);

    /// <summary>As above, with extra environment variables (arguments after the defaults override them).</summary>
    public static async Task<ServiceProcess> StartAsync(
        int port, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(ServiceAssembly)!,
        };
        info.ArgumentList.Add(ServiceAssembly);
        info.ArgumentList.Add($"--Service:ListenUrl=http://127.0.0.1:{port}");
        info.ArgumentList.Add("--Service:ManagementUrl=http://127.0.0.1:0");
        foreach (var argument in TestApiKeys.AdminArguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
        var service = new ServiceProcess(process, $"http://127.0.0.1:{port}");
        try
        {
            await service.WaitUntilServingAsync(cancellationToken);
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }

        return service;
    }

    /// <summary>SIGKILL: no graceful stop, no flush, no last save.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync(CancellationToken.None);
        _process.Dispose();
    }

    public override string ToString() => string.Join('\n', Output.TakeLast(80));

    private static string ServiceAssembly
    {
        get
        {
            // tests/Channel.Service.Tests/bin/<Configuration>/net10.0 → src/Channel.Service/bin/<Configuration>/net10.0
            var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var configuration = here.Parent!.Name;
            var root = here;
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "Channel.sln")))
            {
                root = root.Parent;
            }

            var path = Path.Combine(root?.FullName ?? throw new InvalidOperationException("Channel.sln not found above the test binaries."),
                "src", "Channel.Service", "bin", configuration, here.Name, "Channel.Service.dll");
            return File.Exists(path) ? path : throw new InvalidOperationException($"Build the service first: {path} is missing.");
        }
    }

    private async Task WaitUntilServingAsync(CancellationToken cancellationToken)
    {
        var health = new global::Grpc.Health.V1.Health.HealthClient(Channel);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The service exited with {_process.ExitCode}:\n{this}");
            }

            try
            {
                var reply = await health.CheckAsync(new global::Grpc.Health.V1.HealthCheckRequest { Service = "liveness" }, deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: cancellationToken);
                if (reply.Status == global::Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving)
                {
                    return;
                }
            }
            catch (global::Grpc.Core.RpcException) when (DateTime.UtcNow < deadline)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"The service did not answer within 60 s:\n{this}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_outputLock)
        {
            _output.Add(line);
        }
    }
}
