using Channel.Grpc.V1;
using Channel.MTProto.Emulator.World;

namespace Channel.Service.Tests.Inbound;

/// <summary>
/// The inbound pipeline end to end: emulator users write to Active accounts, the service stores the events with the
/// update state in one transaction and publishes them through RabbitMQ (a real broker), and a plain AMQP consumer
/// receives them. These run in CI (the test command installs rabbitmq-server) and never skip there.
/// </summary>
public sealed class InboundPipelineTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(3);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThreeAccountsTwoUsers_3000PrivateAndGroupMessages_EachOnceInPerChatOrderWithGaplessSequence()
    {
        await using var rig = await InboundRig.StartAsync(Ct);
        await using var bus = await BusCollector.StartAsync(rig.BrokerUri, Ct, "InboundMessageReceived");
        string[] phones = ["+99966 2 4001", "+99966 2 4002", "+99966 2 4003"];
        var accounts = new List<TelegramAccount>();
        foreach (var phone in phones)
        {
            accounts.Add(await rig.ConnectedAccountAsync(phone));
        }

        rig.World.CreateUser(new NewUser("+447700900401", "Ada", "Lovelace", "ada_customer"));
        rig.World.CreateUser(new NewUser("+447700900402", "Alan", "Turing"));
        string[] customers = ["+447700900401", "+447700900402"];
        var group = rig.World.CreateGroup("Support group", [.. customers, .. phones.Select(p => p.Replace(" ", string.Empty, StringComparison.Ordinal))], creator: customers[0]);

        // Per account: 500 private messages from the two users, and the 500 group messages every account sees.
        foreach (var phone in phones)
        {
            await rig.World.BulkSendAsync(new BulkSendRequest(customers, phone.Replace(" ", string.Empty, StringComparison.Ordinal), null, 500), Ct);
        }

        await rig.World.BulkSendAsync(new BulkSendRequest(customers, null, group.Id, 500), Ct);

        var received = await bus.WaitAsync(r => r.Select(e => e.MessageId).Distinct().Count() >= 3_000, Long);
        var unique = received.GroupBy(e => e.MessageId).Select(g => g.First()).ToList();
        Assert.Equal(3_000, unique.Count);

        // A repeat, if any, is the same event (same id, same sequence).
        foreach (var repeats in received.GroupBy(e => e.MessageId).Where(g => g.Count() > 1))
        {
            Assert.Single(repeats.Select(e => e.Long("sequence")).Distinct());
        }

        foreach (var account in accounts)
        {
            var mine = unique.Where(e => e.Str("accountId") == account.Id).ToList();
            Assert.Equal(1_000, mine.Count);
            Assert.Equal(Enumerable.Range(1, 1_000).Select(i => (long)i), mine.Select(e => e.Long("sequence")).Order());
            foreach (var chat in mine.GroupBy(e => e.Message.GetProperty("chat").GetProperty("id").GetInt64()))
            {
                var ids = chat.Select(e => e.Long("telegramMessageId")).ToList();
                Assert.Equal(ids.Order(), ids);
            }

            Assert.Equal(500, mine.Count(e => e.Message.GetProperty("chat").GetProperty("kind").GetString() == "group"));
        }
    }

    [Fact]
    public async Task ServiceDown_1000MessagesArrive_AllDeliveredAfterRestartInOrder()
    {
        await using var rig = await InboundRig.StartAsync(Ct);
        await using var bus = await BusCollector.StartAsync(rig.BrokerUri, Ct, "InboundMessageReceived");
        var account = await rig.ConnectedAccountAsync("+99966 2 4011");
        rig.World.CreateUser(new NewUser("+447700900411", "Grace", "Hopper"));

        await rig.StopHostAsync();
        await rig.World.BulkSendAsync(new BulkSendRequest(["+447700900411"], "+9996624011", null, 1_000), Ct);
        await rig.StartHostAsync();

        var received = await bus.WaitAsync(r => r.Select(e => e.MessageId).Distinct().Count() >= 1_000, Long);
        var unique = received.GroupBy(e => e.MessageId).Select(g => g.First()).ToList();
        Assert.Equal(1_000, unique.Count);
        Assert.Equal(Enumerable.Range(1, 1_000).Select(i => (long)i), unique.Select(e => e.Long("sequence")));
        var ids = unique.Select(e => e.Long("telegramMessageId")).ToList();
        Assert.Equal(ids.Order(), ids);
        Assert.All(unique, e => Assert.Equal(account.Id, e.Str("accountId")));
    }

    [Fact]
    public async Task ServiceDown_DifferenceTooLong_MessagesRecoveredFromHistory()
    {
        await using var rig = await InboundRig.StartAsync(Ct);
        await using var bus = await BusCollector.StartAsync(rig.BrokerUri, Ct, "InboundMessageReceived");
        await rig.ConnectedAccountAsync("+99966 2 4021");
        rig.World.CreateUser(new NewUser("+447700900421", "Katherine", "Johnson"));
        await rig.World.BulkSendAsync(new BulkSendRequest(["+447700900421"], "+9996624021", null, 10), Ct);
        await bus.WaitAsync(r => r.Count >= 10, Long);

        await rig.StopHostAsync();
        await rig.World.BulkSendAsync(new BulkSendRequest(["+447700900421"], "+9996624021", null, 300), Ct);
        rig.World.ForceDifferenceTooLong("+9996624021");
        await rig.StartHostAsync();

        var received = await bus.WaitAsync(r => r.Select(e => e.MessageId).Distinct().Count() >= 310, Long);
        Assert.Equal(310, received.Select(e => e.MessageId).Distinct().Count());
    }

    [Fact]
    public async Task ConnectionsDroppedDuringAStream_NothingLost()
    {
        await using var rig = await InboundRig.StartAsync(Ct);
        await using var bus = await BusCollector.StartAsync(rig.BrokerUri, Ct, "InboundMessageReceived");
        await rig.ConnectedAccountAsync("+99966 2 4031");
        rig.World.CreateUser(new NewUser("+447700900431", "Edsger", "Dijkstra"));

        var stream = rig.World.BulkSendAsync(new BulkSendRequest(["+447700900431"], "+9996624031", null, 1_500, RatePerSecond: 500), Ct);
        while (!stream.IsCompleted)
        {
            rig.World.DropConnections("+9996624031");
            await Task.WhenAny(stream, Task.Delay(TimeSpan.FromSeconds(0.7), Ct));
        }

        await stream;
        var received = await bus.WaitAsync(r => r.Select(e => e.MessageId).Distinct().Count() >= 1_500, Long);
        Assert.Equal(1_500, received.Select(e => e.MessageId).Distinct().Count());
    }

    [Fact]
    public async Task RevokedInTheEmulator_AccountStatusChangedOnTheBus_AndNoReconnectLoop()
    {
        await using var rig = await InboundRig.StartAsync(Ct);
        await using var bus = await BusCollector.StartAsync(rig.BrokerUri, Ct, "AccountStatusChanged");
        var account = await rig.ConnectedAccountAsync("+99966 2 4041");

        rig.World.RevokeSessions("+9996624041");

        var events = await bus.WaitAsync(r => r.Any(e => e.Str("status") == "SessionRevoked"), TimeSpan.FromSeconds(30));
        var revoked = Assert.Single(events, e => e.Str("status") == "SessionRevoked");
        Assert.Equal(account.Id, revoked.Str("accountId"));
        var shown = await rig.Host.Client.GetAccountAsync(new GetAccountRequest { AccountId = account.Id }, cancellationToken: Ct);
        Assert.Equal(AccountStatus.SessionRevoked, shown.Status);
        Assert.Single(rig.Logs.Messages, m => m.Contains("Telegram ended the session of account", StringComparison.Ordinal));
        Assert.DoesNotContain(rig.Logs.Messages, m => m.Contains("could not be connected", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EditsDeletesPhoneMessagesAndReadReceipts_EachProduceTheirEvent()
    {
        await using var rig = await InboundRig.StartAsync(Ct);
        await using var bus = await BusCollector.StartAsync(
            rig.BrokerUri, Ct, "InboundMessageReceived", "MessageSentFromOtherDevice", "InboundMessageEdited", "InboundMessagesDeleted", "OutboundMessagesRead");
        var account = await rig.ConnectedAccountAsync("+99966 2 4051");
        const string accountPhone = "+9996624051";
        const string customer = "+447700900451";
        rig.World.CreateUser(new NewUser(customer, "Barbara", "Liskov"));

        var first = rig.World.SendMessage(customer, accountPhone, "My order is late");
        await bus.WaitAsync(r => r.Any(e => e.Type == "InboundMessageReceived"), Long);
        rig.World.SendMessage(accountPhone, customer, "Typed on the phone: sorry, checking");
        await bus.WaitAsync(r => r.Any(e => e.Type == "MessageSentFromOtherDevice"), Long);
        rig.World.EditMessage(customer, first.Sent.Id, "My order is very late");
        rig.World.MarkRead(customer, peer: accountPhone);
        rig.World.DeleteMessages(customer, [first.Sent.Id]);

        var all = await bus.WaitAsync(
            r => r.Any(e => e.Type == "InboundMessageEdited") && r.Any(e => e.Type == "OutboundMessagesRead") && r.Any(e => e.Type == "InboundMessagesDeleted"), Long);
        Assert.Equal("My order is late", Assert.Single(all, e => e.Type == "InboundMessageReceived").Str("text"));
        Assert.Equal("Typed on the phone: sorry, checking", Assert.Single(all, e => e.Type == "MessageSentFromOtherDevice").Str("text"));
        Assert.Equal("My order is very late", Assert.Single(all, e => e.Type == "InboundMessageEdited").Str("text"));
        Assert.Single(all, e => e.Type == "OutboundMessagesRead");
        Assert.Single(all, e => e.Type == "InboundMessagesDeleted");
        var sequences = all.Select(e => e.Long("sequence")).Distinct().Order().ToList();
        Assert.Equal(Enumerable.Range(1, sequences.Count).Select(i => (long)i), sequences);
        Assert.All(all, e => Assert.Equal(account.Id, e.Str("accountId")));
    }
}
