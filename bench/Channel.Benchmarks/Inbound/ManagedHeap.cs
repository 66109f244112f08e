using System.Diagnostics;
using System.Globalization;

namespace Channel.Benchmarks.Inbound;

/// <summary>
/// The live managed heap of another .NET process, through the dotnet-gcdump tool (it forces a full GC and walks the
/// heap): null when the tool is not installed (<c>dotnet tool install -g dotnet-gcdump</c>).
/// </summary>
internal static class ManagedHeap
{
    public static async Task<long?> LiveBytesAsync(int pid)
    {
        var tool = Tool();
        if (tool is null)
        {
            return null;
        }

        var dump = Path.Combine(Path.GetTempPath(), $"channel-bench-{pid}-{Guid.NewGuid():N}.gcdump");
        try
        {
            await RunAsync(tool, "collect", "-p", pid.ToString(CultureInfo.InvariantCulture), "-o", dump);
            foreach (var line in (await RunAsync(tool, "report", dump)).Split('\n'))
            {
                // "        715,433  GC Heap bytes"
                if (line.Contains("GC Heap bytes", StringComparison.Ordinal))
                {
                    return long.Parse(line.Trim().Split(' ')[0], NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
                }
            }

            return null;
        }
        finally
        {
            File.Delete(dump);
        }
    }

    private static string? Tool()
    {
        var home = Environment.GetEnvironmentVariable("HOME") ?? string.Empty;
        var candidates = new[] { Path.Combine(home, ".dotnet", "tools", "dotnet-gcdump") }
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Select(p => Path.Combine(p, "dotnet-gcdump")));
        return candidates.FirstOrDefault(File.Exists);
    }

    private static async Task<string> RunAsync(string tool, params string[] arguments)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet-gcdump did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return await output;
    }
}
