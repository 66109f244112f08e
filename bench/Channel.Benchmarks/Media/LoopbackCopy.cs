using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Channel.Benchmarks.Media;

/// <summary>The ceiling of a file transfer here: the same bytes over plain TCP on loopback, 1 MiB writes, no protocol.</summary>
internal static class LoopbackCopy
{
    /// <summary>Copies <paramref name="content"/> to each of <paramref name="streams"/> concurrent readers; returns the wall-clock time.</summary>
    public static async Task<TimeSpan> RunAsync(byte[] content, int streams)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var watch = Stopwatch.StartNew();
        var senders = Enumerable.Range(0, streams).Select(async _ =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            await using var stream = client.GetStream();
            for (var offset = 0; offset < content.Length; offset += 1024 * 1024)
            {
                await stream.WriteAsync(content.AsMemory(offset, Math.Min(1024 * 1024, content.Length - offset)));
            }
        }).ToList();
        var readers = Enumerable.Range(0, streams).Select(async _ =>
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            await using var stream = client.GetStream();
            var buffer = new byte[1024 * 1024];
            long total = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                total += read;
            }

            return total;
        }).ToList();
        await Task.WhenAll(senders);
        var received = await Task.WhenAll(readers);
        watch.Stop();
        if (received.Any(r => r != content.Length))
        {
            throw new InvalidOperationException("A loopback reader got a short copy.");
        }

        return watch.Elapsed;
    }
}
