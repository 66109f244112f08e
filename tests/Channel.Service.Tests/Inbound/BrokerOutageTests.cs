using Channel.Grpc.V1;
using Channel.MTProto.Emulator.World;
using Grpc.Health.V1;

namespace Channel.Service.Tests.Inbound;

/// <summary>RabbitMQ itself goes away mid-stream: the service keeps receiving into its outbox and drains it later.</summary>
public sealed class BrokerOutageTests
{
    private const int Messages = 1_500;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BrokerStopped30SecondsMidStream_NothingLost_ReadinessDownMeanwhile_BacklogDrainsAfter()
    {
        await using var rig = await InboundRig.StartAsync(Ct);
        var first = await BusCollector.StartAsync(rig.BrokerUri, Ct, "InboundMessageReceived");
        var account = await rig.ConnectedAccountAsync("+99966 2 4071");
        rig.World.CreateUser(new NewUser("+447700900471", "Frances", "Allen"));
        var health = new Health.HealthClient(rig.Host.Channel);

        var stream = rig.World.BulkSendAsync(new BulkSendRequest(["+447700900471"], "+9996624071", null, Messages, RatePerSecond: 30), Ct);
        await first.WaitAsync(r => r.Count >= 200, TimeSpan.FromMinutes(2));
        await rig.Broker.StopAsync();
        var beforeOutage = first.Received;
        await first.DisposeAsync();

        // The outage itself lasts 30 s (the scenario, not a wait for a condition); meanwhile the service stays up,
        // keeps its live connection, and says the broker is down.
        var outage = Task.Delay(TimeSpan.FromSeconds(30), Ct);
        var readiness = await Eventually.ReachedAsync(
            () => health.CheckAsync(new HealthCheckRequest { Service = "readiness" }, cancellationToken: Ct).ResponseAsync,
            r => r.Status == HealthCheckResponse.Types.ServingStatus.NotServing);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, readiness.Status);
        await outage;
        var during = await rig.Host.Client.GetAccountAsync(new GetAccountRequest { AccountId = account.Id }, cancellationToken: Ct);
        Assert.Equal(ConnectionState.Connected, during.Connection.State);
        Assert.False(stream.IsCompleted, "the stream should still be running when the broker comes back");

        await rig.Broker.StartAsync();
        await using var second = await BusCollector.StartAsync(rig.BrokerUri, first.Queue, Ct, "InboundMessageReceived");
        await stream;
        await second.WaitAsync(r => beforeOutage.Concat(r).Select(e => e.MessageId).Distinct().Count() >= Messages, TimeSpan.FromMinutes(3));

        var received = beforeOutage.Concat(second.Received).ToList();
        var unique = received.GroupBy(e => e.MessageId).Select(g => g.First()).ToList();
        Assert.Equal(Messages, unique.Count);
        foreach (var repeats in received.GroupBy(e => e.MessageId))
        {
            Assert.Single(repeats.Select(e => e.Long("sequence")).Distinct());
        }

        Assert.Equal(Enumerable.Range(1, Messages).Select(i => (long)i), unique.Select(e => e.Long("sequence")).Order());
        var ids = unique.OrderBy(e => e.Long("sequence")).Select(e => e.Long("telegramMessageId")).ToList();
        Assert.Equal(ids.Order(), ids);
        readiness = await Eventually.ReachedAsync(
            () => health.CheckAsync(new HealthCheckRequest { Service = "readiness" }, cancellationToken: Ct).ResponseAsync,
            r => r.Status == HealthCheckResponse.Types.ServingStatus.Serving);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, readiness.Status);
    }
}
