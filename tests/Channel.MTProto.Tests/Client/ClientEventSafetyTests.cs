using Channel.MTProto.Client;
using Channel.MTProto.Tests.EmulatorWorld;
using Channel.MTProto.Tests.UpdateHandling;

namespace Channel.MTProto.Tests.Client;

/// <summary>A client event handler that throws is logged and ignored: it neither ends the process nor starves the other handlers.</summary>
public sealed class ClientEventSafetyTests
{
    [Fact]
    public async Task Disconnected_HandlerThrows_OtherHandlersRunAndClientReconnects()
    {
        await using var host = await WorldTestHost.StartAsync();
        var client = host.NewClient();
        await client.ConnectAsync(TestContext.Current.CancellationToken);
        var seen = 0;
        var reconnected = 0;
        client.Disconnected += (_, _) => throw new InvalidOperationException("a careless handler (test)");
        client.Disconnected += (_, _) => Interlocked.Increment(ref seen);
        client.Connected += (_, _) => throw new InvalidOperationException("another careless handler (test)");
        client.Connected += (_, _) => Interlocked.Increment(ref reconnected);

        host.Emulator.Faults.DropConnections();
        await BatchRecorder.WaitUntilAsync(() => Volatile.Read(ref seen) > 0 && Volatile.Read(ref reconnected) > 0);

        await client.PingAsync(cancellationToken: TestContext.Current.CancellationToken);
    }
}
