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
        await using var host = await MessagingHost.StartAsync(("Bus:Transport", "RabbitMq"), ("ConnectionStrings:RabbitMq", node.AmqpUri.ToString()));
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
        // With the default Outbox:PublishWindow of 1 an account's rows reach the queue in the order they were written,
        // account by account, while the two accounts go side by side. (With a window of 32 this test saw a window of
        // one account arrive reversed right after start-up: concurrent publishes do not keep their order.)
        RabbitMqNode.RequireInstalled();
        await using var probe = await BusProbe.StartAsync(node.AmqpUri, "InboundMessageReceived", $"probe-{Guid.NewGuid():N}");
        await using var host = await MessagingHost.StartAsync(("Bus:Transport", "RabbitMq"), ("ConnectionStrings:RabbitMq", node.AmqpUri.ToString()));
        var first = await host.AddAccountAsync();
        var second = await host.AddAccountAsync("+4915112345679");

        List<Guid> firstIds = [], secondIds = [];
        for (var round = 0; round < 3; round++)
        {
            firstIds.AddRange(await host.AddInboundAsync(first, 400));
            secondIds.AddRange(await host.AddInboundAsync(second, 400));
        }

        var envelopes = await probe.WaitForAsync(2_400);
        List<Guid> Arrived(Channel.Domain.Accounts.TelegramAccount account) =>
            [.. envelopes.Where(e => e.GetProperty("message").GetProperty("accountId").GetGuid() == account.Id.Value).Select(e => e.GetProperty("messageId").GetGuid())];
        Assert.Equal(firstIds, Arrived(first));
        Assert.Equal(secondIds, Arrived(second));
        Assert.Equal(0, await Eventually.ReachedAsync(host.UnsentAsync, n => n == 0));
    }

    [Fact]
    public async Task PublishWindowAboveOne_EveryRowDeliveredOnceAndMarkedSent()
    {
        // Order is not promised above a window of 1 (consumers order by Sequence); delivery and marking are.
        RabbitMqNode.RequireInstalled();
        await using var probe = await BusProbe.StartAsync(node.AmqpUri, "InboundMessageReceived", $"probe-{Guid.NewGuid():N}");
        await using var host = await MessagingHost.StartAsync(
            ("Bus:Transport", "RabbitMq"), ("ConnectionStrings:RabbitMq", node.AmqpUri.ToString()), ("Outbox:PublishWindow", "32"));
        var account = await host.AddAccountAsync();

        var ids = await host.AddInboundAsync(account, 600);

        await probe.WaitForAsync(600);
        Assert.Equal(ids.Order(), probe.MessageIds.Order());
        Assert.Equal(0, await Eventually.ReachedAsync(host.UnsentAsync, n => n == 0));
    }

    [Fact]
    public async Task BrokerDown_RowsStayUnsentAndReadinessFails_BrokerBack_BacklogDrains()
    {
        RabbitMqNode.RequireInstalled();
        await using var own = new RabbitMqNode();
        await own.StartAsync();
        var queue = $"probe-{Guid.NewGuid():N}";
        await (await BusProbe.StartAsync(own.AmqpUri, "InboundMessageReceived", queue)).DisposeAsync();
        await using var host = await MessagingHost.StartAsync(("Bus:Transport", "RabbitMq"), ("ConnectionStrings:RabbitMq", own.AmqpUri.ToString()));
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
}
