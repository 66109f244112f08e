using System.Diagnostics;
using System.Text.Json;

namespace Channel.Benchmarks.Connection;

/// <summary>
/// The emulator in its own process (the Channel.MTProto.Emulator.dll built next to this benchmark), so the client
/// measurements don't count the server's memory or share its CPU time slices with it.
/// </summary>
internal sealed class EmulatorProcess : IAsyncDisposable
{
    private readonly Process _process;

    private EmulatorProcess(Process process, string endpoint, int dcId, string publicKeyPem, Uri? control)
    {
        _process = process;
        Endpoint = endpoint;
        DcId = dcId;
        PublicKeyPem = publicKeyPem;
        Control = control;
    }

    /// <summary>The HTTP control API (users, bulk sends), when the emulator reported one.</summary>
    public Uri? Control { get; }

    /// <summary>The emulator's process id (for its CPU time and memory).</summary>
    public int ProcessId => _process.Id;

    public string Endpoint { get; }

    public int DcId { get; }

    public string PublicKeyPem { get; }

    public static async Task<EmulatorProcess> StartAsync()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Channel.MTProto.Emulator.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll, "--listen", "127.0.0.1:0", "--log-level", "Warning" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the emulator.");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var ready = await process.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("The emulator exited before it was ready.");
        using var json = JsonDocument.Parse(ready);
        var root = json.RootElement;
        var control = root.TryGetProperty("control", out var address) && address.GetString() is { } uri ? new Uri(uri + "/") : null;
        return new EmulatorProcess(process, root.GetProperty("endpoint").GetString()!, root.GetProperty("dcId").GetInt32(), root.GetProperty("publicKeyPem").GetString()!, control);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
