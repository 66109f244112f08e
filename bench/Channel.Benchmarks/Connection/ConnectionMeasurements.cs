using System.Diagnostics;
using Channel.MTProto.Client;
using Channel.MTProto.Crypto;
using Channel.MTProto.Tl.Api;

namespace Channel.Benchmarks.Connection;

/// <summary>
/// The MTProto connection figures of docs/benchmarks.md, against the emulator in a separate process over loopback:
/// key-exchange latency (median, p99), pipelined ping round trips per second on one connection, and the managed
/// memory one idle connected client holds.
/// </summary>
/// <remarks>
/// Hand-timed rather than BenchmarkDotNet: BDN reports no p99, and retained memory per client (not allocations per
/// operation) needs GC.GetTotalMemory deltas over many live clients.
/// Run: <c>dotnet run -c Release --project bench/Channel.Benchmarks -- connection</c>.
/// </remarks>
internal static class ConnectionMeasurements
{
    private const int KeyExchanges = 60;
    private const int PingWarmup = 20_000;
    private const int Pings = 200_000;
    private const int PingWindow = 2_000;
    private const int IdleClients = 200;

    public static async Task RunAsync()
    {
        await using var emulator = await EmulatorProcess.StartAsync();
        var options = new MTProtoClientOptions
        {
            DataCenters = new Dictionary<int, IReadOnlyList<string>> { [emulator.DcId] = [emulator.Endpoint] },
            ServerPublicKeys = [RsaPublicKey.FromPem(emulator.PublicKeyPem)],
            ApiId = 1,
        };

        await KeyExchangeAsync(options, emulator.DcId);
        await PipelinedPingsAsync(options, emulator.DcId);
        await IdleClientMemoryAsync(options, emulator.DcId);
    }

    private static async Task KeyExchangeAsync(MTProtoClientOptions options, int dcId)
    {
        var samples = new List<double>();
        for (var i = 0; i < KeyExchanges + 5; i++)
        {
            await using var client = new MTProtoClient(options, new MTProtoSessionState(dcId));
            var watch = Stopwatch.StartNew();
            await client.ConnectAsync();
            watch.Stop();
            if (i >= 5)
            {
                samples.Add(watch.Elapsed.TotalMilliseconds);
            }
        }

        samples.Sort();
        Report($"Key exchange (connect + req_pq_multi … dh_gen_ok), {KeyExchanges} runs: median {Percentile(samples, 50):F1} ms, p99 {Percentile(samples, 99):F1} ms, min {samples[0]:F1} ms, max {samples[^1]:F1} ms");
    }

    private static async Task PipelinedPingsAsync(MTProtoClientOptions options, int dcId)
    {
        await using var client = new MTProtoClient(options, new MTProtoSessionState(dcId));
        await client.ConnectAsync();
        await PingWindowedAsync(client, PingWarmup);
        var watch = Stopwatch.StartNew();
        await PingWindowedAsync(client, Pings);
        watch.Stop();
        Report($"Pipelined ping on one connection, {Pings} calls, {PingWindow} in flight: {Pings / watch.Elapsed.TotalSeconds:F0} calls/s");

        var getNearest = Stopwatch.StartNew();
        var calls = Enumerable.Range(0, 20_000).Select(_ => client.InvokeAsync(new Help.GetNearestDc())).ToArray();
        await Task.WhenAll(calls);
        getNearest.Stop();
        Report($"Pipelined help.getNearestDc (rpc_result path), 20000 calls at once: {20_000 / getNearest.Elapsed.TotalSeconds:F0} calls/s");
    }

    private static async Task PingWindowedAsync(MTProtoClient client, int count)
    {
        var inFlight = new Queue<Task>(PingWindow);
        for (var i = 0; i < count; i++)
        {
            if (inFlight.Count == PingWindow)
            {
                await inFlight.Dequeue();
            }

            inFlight.Enqueue(client.PingAsync());
        }

        await Task.WhenAll(inFlight);
    }

    private static async Task IdleClientMemoryAsync(MTProtoClientOptions options, int dcId)
    {
        // Keys first, so the measured clients hold only what a restored, connected session holds.
        var sessions = new List<MTProtoSessionState>();
        for (var i = 0; i < IdleClients; i++)
        {
            await using var client = new MTProtoClient(options, new MTProtoSessionState(dcId));
            await client.ConnectAsync();
            sessions.Add(MTProtoSessionState.Deserialize(client.Session.Serialize()));
        }

        var before = SettledHeap();
        var clients = new List<MTProtoClient>();
        foreach (var session in sessions)
        {
            var client = new MTProtoClient(options, session);
            await client.InvokeAsync(new Help.GetNearestDc());
            clients.Add(client);
        }

        await Task.Delay(TimeSpan.FromSeconds(2)); // acks flushed, salts fetched: idle
        var after = SettledHeap();
        var perClient = (after - before) / (double)IdleClients;
        Report($"Idle connected client, managed heap (GC.GetTotalMemory delta over {IdleClients} clients, session state included): {perClient / 1024:F1} KiB per client");

        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    private static long SettledHeap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static double Percentile(List<double> sorted, int percentile)
    {
        var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }

    private static void Report(string line) => Console.WriteLine(line);
}
