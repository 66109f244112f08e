using System.Text.Json;
using Channel.Contracts;
using MassTransit;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Channel.Service.Tests.Messaging;

/// <summary>The dispatcher against a real RabbitMQ node, observed through <see cref="BusProbe"/>.</summary>
public sealed class OutboxDispatcherTests(RabbitMqNode node)
{
    [Fact]
    public async Task Rows_ArePublishedInOrder_WithMessageIdEqualToEventId_AndMarkedSent()
    {
        RabbitMqNode.RequireInstalled();
        await using var probe = await BusProbe.StartAsync(node.AmqpUri, "InboundMessageReceived", $"probe-{Guid.NewGuid():N}");
        await using var host = await MessagingHost.StartOnRabbitMqAsync(node.AmqpUri);
        var account = await host.AddAccountAsync();

        var ids = await host.AddInboundAsync(account, 50);

        var envelopes = await probe.WaitForAsync(50);
        Assert.Equal(ids.Order(), probe.MessageIds.Order());
        Assert.Equal(
            Enumerable.Range(1, 50).Select(i => (long)i),
            envelopes.Select(e => e.GetProperty("message").GetProperty("sequence").GetInt64()));
        Assert.Equal(ids, probe.MessageIds);
        var first = envelopes[0];
        Assert.Contains("urn:message:Channel.Contracts:InboundMessageReceived", first.GetProperty("messageType").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(ids[0], first.GetProperty("message").GetProperty("eventId").GetGuid());
        Assert.Equal(1, first.GetProperty("message").GetProperty("sequence").GetInt64());
        Assert.Equal(0, await Eventually.ReachedAsync(host.UnsentAsync, n => n == 0));
        Assert.Equal(HealthStatus.Healthy, await host.ReadinessAsync());
    }

    [Fact]
    public async Task ManyRowsOfTwoAccounts_DefaultWindow_EachAccountsRowsArriveInIdOrder()
    {
        // With the default publisher (Direct) and window (100 awaiting confirms) an account's rows reach the queue in
        // the order they were written, account by account, while the two accounts go side by side. (Through
        // MassTransit's publish, a window of 32 arrived reversed right after start-up: see the next test.)
        await TwoAccountsRowsArriveInIdOrderAsync(rounds: 3, rowsPerRound: 400);
    }

    [Fact]
    public async Task MassTransitPublisher_OneConfirmAtATime_EachAccountsRowsArriveInIdOrder()
    {
        // Outbox:Publisher=MassTransit publishes through MassTransit's IBus, whose concurrent publishes do not keep their
        // order; so it waits for each confirm whatever Outbox:PublishWindow says.
        await TwoAccountsRowsArriveInIdOrderAsync(rounds: 1, rowsPerRound: 300, ("Outbox:Publisher", "MassTransit"), ("Outbox:PublishWindow", "32"));
    }

    [Fact]
    public async Task DirectPublisher_AMassTransitConsumerReadsTheEnvelope()
    {
        // Our publisher writes MassTransit's envelope itself; a MassTransit consumer must not see a difference: message
        // id and correlation id = EventId, the message type, the body (escaped non-ASCII included), the addresses.
        RabbitMqNode.RequireInstalled();
        var received = new System.Collections.Concurrent.ConcurrentQueue<ConsumeContext<InboundMessageReceived>>();
        var consumerBus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(node.AmqpUri);
            cfg.ReceiveEndpoint($"consumer-{Guid.NewGuid():N}", endpoint => endpoint.Handler<InboundMessageReceived>(context =>
            {
                received.Enqueue(context);
                return Task.CompletedTask;
            }));
        });
        await consumerBus.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            await using var host = await MessagingHost.StartOnRabbitMqAsync(node.AmqpUri);
            var account = await host.AddAccountAsync();

            var ids = await host.AddInboundAsync(account, 1, text: "Привет, \"agent\" <b>&</b> 👋");

            // Other tests publish on the same node: pick ours.
            var context = (await Eventually.ReachedAsync(
                () => Task.FromResult(received.FirstOrDefault(c => c.Message.EventId == ids[0])), c => c is not null))!;
            Assert.Equal(ids[0], context.MessageId);
            Assert.Equal(ids[0], context.CorrelationId);
            Assert.Equal(ids[0], context.Message.EventId);
            Assert.Equal(account.Id.Value, context.Message.AccountId);
            Assert.Equal(1, context.Message.Sequence);
            Assert.Equal("Привет, \"agent\" <b>&</b> 👋", context.Message.Text);
            Assert.Equal(ChatKinds.User, context.Message.Chat.Kind);
            Assert.Equal("Channel.Contracts:InboundMessageReceived", context.DestinationAddress!.AbsolutePath.TrimStart('/'));
            Assert.NotNull(context.SentTime);
            Assert.Contains("urn:message:Channel.Contracts:InboundMessageReceived", context.SupportedMessageTypes);
        }
        finally
        {
            await consumerBus.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task BrokerKilledMidStream_EveryRowArrives_AndEachAccountsFirstArrivalsKeepIdOrder()
    {
        // A window of confirms in flight when the broker dies: what it had not confirmed is published again, in order,
        // after it returns. A row may arrive twice (same EventId), but never ahead of a row written before it.
        RabbitMqNode.RequireInstalled();
        await using var own = new RabbitMqNode();
        await own.StartAsync();
        var queue = $"probe-{Guid.NewGuid():N}";
        var before = await BusProbe.StartAsync(own.AmqpUri, "InboundMessageReceived", queue);
        await using var host = await MessagingHost.StartOnRabbitMqAsync(own.AmqpUri);
        var first = await host.AddAccountAsync();
        var second = await host.AddAccountAsync("+4915112345679");
        List<Guid> firstIds = [], secondIds = [];

        // Rows keep coming while the broker dies and while it is away, so publishes are in flight when it goes.
        var brokerStopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writer = Task.Run(async () =>
        {
            for (var roundsAfterStop = 0; roundsAfterStop < 3;)
            {
                firstIds.AddRange(await host.AddInboundAsync(first, 200));
                secondIds.AddRange(await host.AddInboundAsync(second, 200));
                roundsAfterStop += brokerStopped.Task.IsCompleted ? 1 : 0;
            }
        }, TestContext.Current.CancellationToken);
        await before.WaitForAsync(500);
        await own.StopAsync();
        brokerStopped.SetResult();
        await writer;
        var early = before.Envelopes.ToList();
        await before.DisposeAsync();
        await own.StartAsync();
        await using var after = await BusProbe.StartAsync(own.AmqpUri, "InboundMessageReceived", queue);

        var total = firstIds.Count + secondIds.Count;
        await Eventually.ReachedAsync(() => Task.FromResult(early.Concat(after.Envelopes).Select(MessageIdOf).Distinct().Count()), n => n == total);
        List<JsonElement> all = [.. early, .. after.Envelopes];
        Assert.Equal(firstIds, FirstArrivals(all, first));
        Assert.Equal(secondIds, FirstArrivals(all, second));
        Assert.Equal(0, await Eventually.ReachedAsync(host.UnsentAsync, n => n == 0));
    }

    [Fact]
    public async Task UnreadableRow_IsParkedWithItsReason_AndTheRowsAfterItArePublished()
    {
        RabbitMqNode.RequireInstalled();
        await using var probe = await BusProbe.StartAsync(node.AmqpUri, "InboundMessageReceived", $"probe-{Guid.NewGuid():N}");
        await using var host = await MessagingHost.StartOnRabbitMqAsync(node.AmqpUri);
        var account = await host.AddAccountAsync();

        var broken = await host.AddRawRowAsync(account, "InboundMessageReceived", "{\"eventId\": ");
        var notAnObject = await host.AddRawRowAsync(account, "InboundMessageReceived", "null");
        var ids = await host.AddInboundAsync(account, 3);

        await probe.WaitForAsync(3);
        Assert.Equal(ids, probe.MessageIds);
        foreach (var parked in new[] { broken, notAnObject })
        {
            var row = await host.RowAsync(parked);
            Assert.Null(row.SentAt);
            Assert.Equal(DateTimeOffset.MaxValue, row.AvailableAt);
            Assert.StartsWith("Unreadable body", row.LastError, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task BrokerDown_RowsStayUnsentAndReadinessFails_BrokerBack_BacklogDrains()
    {
        RabbitMqNode.RequireInstalled();
        await using var own = new RabbitMqNode();
        await own.StartAsync();
        var queue = $"probe-{Guid.NewGuid():N}";
        await (await BusProbe.StartAsync(own.AmqpUri, "InboundMessageReceived", queue)).DisposeAsync();
        await using var host = await MessagingHost.StartOnRabbitMqAsync(own.AmqpUri);
        var account = await host.AddAccountAsync();
        Assert.Equal(HealthStatus.Healthy, await Eventually.ReachedAsync(host.ReadinessAsync, s => s == HealthStatus.Healthy));
        Assert.Equal(0, await Eventually.ReachedAsync(host.UnsentAsync, n => n == 0));

        await own.StopAsync();
        var ids = await host.AddInboundAsync(account, 20);

        Assert.Equal(HealthStatus.Unhealthy, await Eventually.ReachedAsync(host.ReadinessAsync, s => s == HealthStatus.Unhealthy));
        Assert.Equal(false, (await Eventually.ReachedAsync(() => Task.FromResult(host.Status.BrokerReachable), r => r == false)));
        Assert.Equal(20, await host.UnsentAsync());

        await own.StartAsync();
        await using var probe = await BusProbe.StartAsync(own.AmqpUri, "InboundMessageReceived", queue);

        await probe.WaitForAsync(20);
        Assert.Equal(ids, probe.MessageIds.Distinct());
        Assert.Equal(0, await Eventually.ReachedAsync(host.UnsentAsync, n => n == 0));
        Assert.Equal(HealthStatus.Healthy, await Eventually.ReachedAsync(host.ReadinessAsync, s => s == HealthStatus.Healthy));
    }

    [Fact]
    public async Task InMemoryTransport_IsTheDefault_AndDrainsTheOutbox()
    {
        await using var host = await MessagingHost.StartAsync();
        var account = await host.AddAccountAsync();

        await host.AddInboundAsync(account, 5);

        Assert.Equal(0, await Eventually.ReachedAsync(host.UnsentAsync, n => n == 0));
        Assert.Equal(true, host.Status.BrokerReachable);

        // The status is refreshed after the rows are marked sent, not in the same instant.
        Assert.Equal(0, await Eventually.ReachedAsync(() => Task.FromResult(host.Status.Backlog), n => n == 0));
    }

    /// <summary>
    /// Two accounts' rows, written round by round in turns, must reach the queue in the order they were written,
    /// account by account, and all be marked sent.
    /// </summary>
    private async Task TwoAccountsRowsArriveInIdOrderAsync(int rounds, int rowsPerRound, params (string Key, string Value)[] settings)
    {
        RabbitMqNode.RequireInstalled();
        await using var probe = await BusProbe.StartAsync(node.AmqpUri, "InboundMessageReceived", $"probe-{Guid.NewGuid():N}");
        await using var host = await MessagingHost.StartOnRabbitMqAsync(node.AmqpUri, settings);
        var first = await host.AddAccountAsync();
        var second = await host.AddAccountAsync("+4915112345679");

        List<Guid> firstIds = [], secondIds = [];
        for (var round = 0; round < rounds; round++)
        {
            firstIds.AddRange(await host.AddInboundAsync(first, rowsPerRound));
            secondIds.AddRange(await host.AddInboundAsync(second, rowsPerRound));
        }

        var envelopes = await probe.WaitForAsync(2 * rounds * rowsPerRound);
        Assert.Equal(firstIds, ArrivedOf(envelopes, first));
        Assert.Equal(secondIds, ArrivedOf(envelopes, second));
        Assert.Equal(0, await Eventually.ReachedAsync(host.UnsentAsync, n => n == 0));
    }

    private static Guid MessageIdOf(JsonElement envelope) => envelope.GetProperty("messageId").GetGuid();

    private static List<Guid> ArrivedOf(IEnumerable<JsonElement> envelopes, Channel.Domain.Accounts.TelegramAccount account) =>
        [.. envelopes.Where(e => e.GetProperty("message").GetProperty("accountId").GetGuid() == account.Id.Value).Select(MessageIdOf)];

    /// <summary>The account's message ids in the order each first arrived (a redelivery after a failure is dropped, as a consumer deduplicating by EventId would).</summary>
    private static List<Guid> FirstArrivals(IEnumerable<JsonElement> envelopes, Channel.Domain.Accounts.TelegramAccount account) =>
        [.. ArrivedOf(envelopes, account).Distinct()];
}
