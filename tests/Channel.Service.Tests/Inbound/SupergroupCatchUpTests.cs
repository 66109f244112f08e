using Channel.MTProto.Emulator.World;

namespace Channel.Service.Tests.Inbound;

/// <summary>
/// Supergroups run on a pts of their own per channel: after downtime the service must fetch each channel's
/// difference (updates.getChannelDifference), and when Telegram answers channelDifferenceTooLong, the history.
/// </summary>
public sealed class SupergroupCatchUpTests
{
    private const string AccountPhone = "+9996624021";
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(3);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ServiceDown_500MessagesAcross3SupergroupsAnd2PrivateChats_AllOnceInPerChatOrder_EvenAfterChannelDifferenceTooLong()
    {
        await using var rig = await InboundRig.StartAsync(Ct);
        await using var bus = await BusCollector.StartAsync(rig.BrokerUri, Ct, "InboundMessageReceived");
        var account = await rig.ConnectedAccountAsync("+99966 2 4021");
        string[] customers = ["+447700900421", "+447700900422"];
        rig.World.CreateUser(new NewUser(customers[0], "Kim", "Group"));
        rig.World.CreateUser(new NewUser(customers[1], "Lee", "Group"));
        var supergroups = Enumerable.Range(1, 3)
            .Select(i => rig.World.CreateChannel($"Support {i}", [.. customers, AccountPhone], megagroup: true, creator: customers[0]))
            .ToList();

        // One live message per supergroup first: the account follows each channel from then on.
        foreach (var group in supergroups)
        {
            rig.World.SendChannelMessage(customers[1], group.Id, "hello");
        }

        await bus.WaitAsync(r => Texts(r).Count(t => t == "hello") >= 3, Long);

        await rig.StopHostAsync();
        var expected = new List<(long Chat, string Text)>();
        for (var i = 1; i <= 100; i++)
        {
            foreach (var group in supergroups)
            {
                var text = $"group {group.Id} #{i}";
                rig.World.SendChannelMessage(customers[i % 2], group.Id, text);
                expected.Add((group.Id, text));
            }

            foreach (var customer in customers)
            {
                var text = $"private {customer} #{i}";
                rig.World.SendMessage(customer, AccountPhone, text);
                expected.Add((rig.World.GetUser(customer).Id, text));
            }
        }

        await rig.StartHostAsync();
        var received = await bus.WaitAsync(r => Texts(r).Count(t => t != "hello") >= 500, Long);
        AssertEachOnceInOrder(received, expected);
        Assert.All(received.Where(e => e.Str("text").StartsWith("group", StringComparison.Ordinal)), e =>
            Assert.Equal("supergroup", e.Message.GetProperty("chat").GetProperty("kind").GetString()));

        // Down again, and this time Telegram will not give the first supergroup's difference: the history must.
        await rig.StopHostAsync();
        var tooLong = supergroups[0].Id;
        for (var i = 101; i <= 150; i++)
        {
            var text = $"group {tooLong} #{i}";
            rig.World.SendChannelMessage(customers[0], tooLong, text);
            expected.Add((tooLong, text));
        }

        rig.World.ForceChannelDifferenceTooLong(tooLong, AccountPhone);
        await rig.StartHostAsync();
        received = await bus.WaitAsync(r => Texts(r).Count(t => t != "hello") >= 550, Long);
        AssertEachOnceInOrder(received, expected);
        Assert.Contains(rig.Logs.Messages, m => m.Contains($"recovering channel {tooLong} history above message", StringComparison.Ordinal));
        Assert.Equal(account.Id, Assert.Single(received.Select(e => e.Str("accountId")).Distinct()));
    }

    [Fact]
    public async Task AgentRepliesInASupergroupByChannelId_MembersSeeIt_BroadcastPostsArriveAsChannel()
    {
        await using var rig = await InboundRig.StartAsync(Ct, "--Outbound:SendInterval=00:00:00");
        await using var bus = await BusCollector.StartAsync(rig.BrokerUri, Ct, "InboundMessageReceived", "OutboundMessageSent");
        var account = await rig.ConnectedAccountAsync("+99966 2 4022");
        const string Customer = "+447700900423";
        rig.World.CreateUser(new NewUser(Customer, "Max", "Member"));
        var group = rig.World.CreateChannel("Support", [Customer, "+9996624022"], megagroup: true, creator: Customer);
        var news = rig.World.CreateChannel("News", [Customer, "+9996624022"], megagroup: false, creator: Customer);
        var question = rig.World.SendChannelMessage(Customer, group.Id, "is anyone there?");
        rig.World.SendChannelMessage(Customer, news.Id, "release notes");
        var seen = await bus.WaitAsync(r => r.Count(e => e.Type == "InboundMessageReceived") >= 2, Long);
        Assert.Equal("supergroup", seen.Single(e => e.Str("text") == "is anyone there?").Message.GetProperty("chat").GetProperty("kind").GetString());
        Assert.Equal("channel", seen.Single(e => e.Str("text") == "release notes").Message.GetProperty("chat").GetProperty("kind").GetString());

        var messages = new Grpc.V1.TelegramMessages.TelegramMessagesClient(rig.Host.Channel);
        var reply = await messages.SendMessageAsync(new Grpc.V1.SendMessageRequest
        {
            AccountId = account.Id, Peer = new Grpc.V1.Peer { ChannelId = group.Id }, Text = "yes, how can we help?", ReplyToMessageId = question.Id, IdempotencyKey = "sg-1",
        }, cancellationToken: Ct);

        Assert.Equal("supergroup", reply.ChatKind);
        Assert.Equal(group.Id, reply.ChatId);
        var posted = Assert.Single(rig.World.ChannelMessages(group.Id), m => m.Text == "yes, how can we help?");
        Assert.Equal(reply.TelegramMessageId, posted.Id);
        Assert.Equal(question.Id, posted.ReplyToId);
        var sent = await bus.WaitAsync(r => r.Any(e => e.Type == "OutboundMessageSent"), Long);
        Assert.Equal("supergroup", sent.Single(e => e.Type == "OutboundMessageSent").Message.GetProperty("chat").GetProperty("kind").GetString());
    }

    private static IEnumerable<string> Texts(IReadOnlyList<Envelope> received) =>
        received.GroupBy(e => e.MessageId).Select(g => g.First().Str("text"));

    /// <summary>Every expected text once (repeats of an EventId are the same event), and each chat's in the order sent.</summary>
    private static void AssertEachOnceInOrder(IReadOnlyList<Envelope> received, List<(long Chat, string Text)> expected)
    {
        var unique = received.GroupBy(e => e.MessageId).Select(g => g.First()).Where(e => e.Str("text") != "hello").ToList();
        Assert.Equal(expected.Count, unique.Count);
        Assert.Equal(expected.Select(e => e.Text).Order(), unique.Select(e => e.Str("text")).Order());
        foreach (var chat in unique.GroupBy(e => e.Message.GetProperty("chat").GetProperty("id").GetInt64()))
        {
            var inSequence = chat.OrderBy(e => e.Long("sequence")).Select(e => e.Str("text")).ToList();
            Assert.Equal(expected.Where(e => e.Chat == chat.Key).Select(e => e.Text), inSequence);
            var ids = chat.OrderBy(e => e.Long("sequence")).Select(e => e.Long("telegramMessageId")).ToList();
            Assert.Equal(ids.Order(), ids);
        }
    }
}
