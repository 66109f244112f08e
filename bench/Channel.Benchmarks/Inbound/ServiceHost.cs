using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Channel.Grpc.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace Channel.Benchmarks.Inbound;

/// <summary>
/// Channel.Service as its own process (the build next to src/Channel.Service), on a data directory that survives a
/// restart, so the load figures are the service's alone and a restart re-reads the stored sessions.
/// </summary>
internal sealed class ServiceHost : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];
    private readonly Lock _outputLock = new();

    private ServiceHost(Process process, string address)
    {
        _process = process;
        Channel = GrpcChannel.ForAddress(address);
        Accounts = new TelegramAccounts.TelegramAccountsClient(Channel);
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public GrpcChannel Channel { get; }

    public TelegramAccounts.TelegramAccountsClient Accounts { get; }

    public int ProcessId => _process.Id;

    public static async Task<ServiceHost> StartAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var port = FreePort();
        var dll = ServiceAssembly();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add($"--Service:ListenUrl=http://127.0.0.1:{port}");
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
        var host = new ServiceHost(process, $"http://127.0.0.1:{port}");
        await host.WaitUntilAnsweringAsync();
        return host;
    }

    /// <summary>The last lines the service printed (for error messages).</summary>
    public string Tail()
    {
        lock (_outputLock)
        {
            return string.Join('\n', _output.TakeLast(40));
        }
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>bench/Channel.Benchmarks/bin/&lt;Configuration&gt;/net10.0 → src/Channel.Service/bin/&lt;Configuration&gt;/net10.0.</summary>
    private static string ServiceAssembly()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var root = here;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Channel.sln")))
        {
            root = root.Parent;
        }

        var path = Path.Combine(root?.FullName ?? throw new InvalidOperationException("Channel.sln not found above the bench binaries."),
            "src", "Channel.Service", "bin", here.Parent!.Name, here.Name, "Channel.Service.dll");
        return File.Exists(path) ? path : throw new InvalidOperationException($"Build the service first: {path} is missing.");
    }

    private async Task WaitUntilAnsweringAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The service exited with {_process.ExitCode}:\n{Tail()}");
            }

            try
            {
                // Any answer (NOT_FOUND here) means gRPC is up.
                await Accounts.GetAccountAsync(new GetAccountRequest { AccountId = Guid.Empty.ToString() }, deadline: DateTime.UtcNow.AddSeconds(2));
                return;
            }
            catch (RpcException ex) when (ex.StatusCode is not (StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Internal or StatusCode.Unknown))
            {
                return;
            }
            catch (RpcException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
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
            if (_output.Count > 2000)
            {
                _output.RemoveRange(0, 1000);
            }
        }
    }
}
