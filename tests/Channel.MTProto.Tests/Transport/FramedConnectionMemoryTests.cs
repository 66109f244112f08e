using Channel.MTProto.Transport;

namespace Channel.MTProto.Tests.Transport;

[CollectionDefinition(nameof(MemoryMeasurementCollection), DisableParallelization = true)]
public sealed class MemoryMeasurementCollection;

/// <summary>
/// The memory goal: one idle connected client costs at most 64 KiB of managed heap, so 10,000 accounts fit in one
/// process. Runs alone so other tests' allocations do not blur the process-wide heap figure.
/// </summary>
[Collection(nameof(MemoryMeasurementCollection))]
public class FramedConnectionMemoryTests
{
    private const int Pairs = 100;

    [Fact]
    public async Task IdleConnections_AfterTraffic_HoldUnder64KiBPerClientServerPair()
    {
        var ct = TestContext.Current.CancellationToken;
        var options = new TransportOptions { Kind = TransportKind.PaddedIntermediate, Obfuscated = true };
        await using (await ExchangeAsync(await LoopbackPair.ConnectAsync(options, ct), ct))
        {
            // Warm-up: pools, socket engine and JIT allocate once per process, not per connection.
        }


        // Measured as the heap with the pairs alive minus the heap once they are gone, both taken moments apart:
        // a baseline taken before creating them would be blurred by the shared ArrayPool trimming buffers that
        // earlier tests returned.
        var pairs = new List<LoopbackPair>();
        for (var i = 0; i < Pairs; i++)
        {
            pairs.Add(await ExchangeAsync(await LoopbackPair.ConnectAsync(options, ct), ct));
        }

        var withPairs = SettledHeap();
        foreach (var pair in pairs)
        {
            await pair.DisposeAsync();
        }

        pairs.Clear();
        var perPair = (withPairs - SettledHeap()) / Pairs;

        // Both ends live in this process, so the figure covers a client and a server connection together. The lower
        // bound keeps the measurement honest: live connections must show up at all.
        Assert.InRange(perPair, 1024, 64 * 1024);
    }

    private static long SettledHeap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static async Task<LoopbackPair> ExchangeAsync(LoopbackPair pair, CancellationToken ct)
    {
        // A 256 KiB frame each way: its pooled buffer must go back to the pool, not stay with the connection.
        var packet = TransportTestSupport.Packet(256 * 1024, seed: 1);
        var toServer = pair.Client.SendAsync(packet, ct).AsTask();
        (await pair.Server.ReceiveAsync(ct)).Dispose();
        await toServer;
        var toClient = pair.Server.SendAsync(packet, ct).AsTask();
        (await pair.Client.ReceiveAsync(ct)).Dispose();
        await toClient;
        return pair;
    }
}
