using Channel.Grpc.V1;
using Channel.MTProto.Emulator.World;
using Channel.Service.Tests.Inbound;
using Google.Rpc;
using Grpc.Core;

namespace Channel.Service.Tests.Outbound;

/// <summary>
/// Agents' replies end to end: the real host, our emulator over TCP, a real RabbitMQ. What the customer received is
/// read back from the emulator (its record of each user's box), never from our own side.
/// </summary>
public sealed class OutboundProofTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(2);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ByUserIdUsernameAndPhone_ReplyToAndEntitiesArriveIntact_NotReportedAsOtherDevice()
    {
        await using var rig = await InboundRig.StartAsync(Ct, "--Outbound:SendInterval=00:00:00");
        await using var bus = await BusCollector.StartAsync(rig.BrokerUri, Ct, "InboundMessageReceived", "OutboundMessageSent", "MessageSentFromOtherDevice");
        var account = await rig.ConnectedAccountAsync("+99966 2 5001");
        var ada = rig.World.CreateUser(new NewUser("+447700900501", "Ada", "Lovelace", "ada_outbound"));
        rig.World.CreateUser(new NewUser("+447700900502", "Bob", "Builder", "bob_outbound"));
        rig.World.CreateUser(new NewUser("+447700900503", "Cy", "Phone"));
        var question = rig.World.SendMessage(ada.Phone, "9996625001", "Hello, where is my order?");
        await bus.WaitAsync(r => r.Any(e => e.Type == "InboundMessageReceived"), Long);
        var messages = new TelegramMessages.TelegramMessagesClient(rig.Host.Channel);

        var reply = await messages.SendMessageAsync(new SendMessageRequest
        {
            AccountId = account.Id,
            Peer = new Peer { UserId = ada.Id },
            Text = "Your order ships today",
            ReplyToMessageId = question.Received!.Id,
            IdempotencyKey = "reply-1",
            Entities =
            {
                new MessageEntity { Type = "bold", Offset = 0, Length = 4 },
                new MessageEntity { Type = "text_url", Offset = 5, Length = 5, Url = "https://example.org/orders/1" },
                new MessageEntity { Type = "pre", Offset = 11, Length = 5, Language = "text" },
            },
        }, cancellationToken: Ct);
        var byUsername = await messages.SendMessageAsync(new SendMessageRequest
        {
            AccountId = account.Id, Peer = new Peer { Username = "@bob_outbound" }, Text = "Hi Bob", IdempotencyKey = "bob-1",
        }, cancellationToken: Ct);
        var byPhone = await messages.SendMessageAsync(new SendMessageRequest
        {
            AccountId = account.Id, Peer = new Peer { Phone = "+44 7700 900503" }, Text = "Hi Cy", IdempotencyKey = "cy-1",
        }, cancellationToken: Ct);

        var atAda = Assert.Single(rig.World.ReceivedMessages(ada.Phone), m => m.FromId != ada.Id);
        Assert.Equal("Your order ships today", atAda.Text);
        Assert.Equal(question.Sent.Id, atAda.ReplyToId);
        Assert.Equal(
            [new EmulatorEntity("bold", 0, 4), new EmulatorEntity("textUrl", 5, 5, Url: "https://example.org/orders/1"), new EmulatorEntity("pre", 11, 5, Language: "text")],
            atAda.Entities);
        Assert.Equal("Hi Bob", Assert.Single(rig.World.ReceivedMessages("bob_outbound")).Text);
        Assert.Equal("Hi Cy", Assert.Single(rig.World.ReceivedMessages("+447700900503")).Text);
        Assert.Equal(ada.Id, reply.ChatId);
        Assert.Equal("user", reply.ChatKind);
        Assert.Equal(rig.World.GetUser("bob_outbound").Id, byUsername.ChatId);
        Assert.Equal(rig.World.GetUser("+447700900503").Id, byPhone.ChatId);

        // A later inbound message is a barrier: anything our sends produced on the account's sequence came before it.
        rig.World.SendMessage(ada.Phone, "9996625001", "Thanks!");
        var seen = await bus.WaitAsync(r => r.Count(e => e.Type == "InboundMessageReceived") >= 2 && r.Count(e => e.Type == "OutboundMessageSent") >= 3, Long);
        Assert.DoesNotContain(seen, e => e.Type == "MessageSentFromOtherDevice");
        var sent = seen.Where(e => e.Type == "OutboundMessageSent").ToList();
        Assert.Equal(
            new[] { reply.TelegramMessageId, byUsername.TelegramMessageId, byPhone.TelegramMessageId }.Order(),
            sent.Select(e => (int)e.Long("telegramMessageId")).Order());
        Assert.Equal(["bob-1", "cy-1", "reply-1"], sent.Select(e => e.Str("idempotencyKey")).Order());
    }

    [Fact]
    public async Task SameKey_FiveGrpcRetriesAndThreeBusRedeliveries_CustomerGetsOneMessageEach()
    {
        await using var rig = await InboundRig.StartAsync(Ct, "--Outbound:SendInterval=00:00:00");
        await using var bus = await BusCollector.StartAsync(rig.BrokerUri, Ct, "OutboundMessageSent");
        var account = await rig.ConnectedAccountAsync("+99966 2 5002");
        var customer = rig.World.CreateUser(new NewUser("+447700900511", "Dee", "Retry", "dee_retry"));
        var messages = new TelegramMessages.TelegramMessagesClient(rig.Host.Channel);
        var request = new SendMessageRequest { AccountId = account.Id, Peer = new Peer { Username = "dee_retry" }, Text = "Once only", IdempotencyKey = "webhook-42" };

        var answers = new List<SendMessageResponse>();
        for (var i = 0; i < 5; i++)
        {
            answers.Add(await messages.SendMessageAsync(request, cancellationToken: Ct));
        }

        Assert.Single(answers.Select(a => a.TelegramMessageId).Distinct());
        Assert.Single(rig.World.ReceivedMessages(customer.Phone));

        await using var publisher = await CommandPublisher.StartAsync(rig.BrokerUri, Ct);
        var command = new { accountId = account.Id, idempotencyKey = "bus-7", peerUsername = "dee_retry", text = "Bus once only" };
        for (var i = 0; i < 3; i++)
        {
            await publisher.PublishRawAsync(command);
        }

        // A later command of the account is the barrier: the queue sends in order, so the repeats were handled before it.
        await publisher.PublishRawAsync(new { accountId = account.Id, idempotencyKey = "bus-8", peerUsername = "dee_retry", text = "Barrier" });
        var sent = await bus.WaitAsync(r => r.Any(e => e.Str("idempotencyKey") == "bus-8"), Long);
        Assert.Equal(["Once only", "Bus once only", "Barrier"], rig.World.ReceivedMessages(customer.Phone).Select(m => m.Text));
        Assert.Single(sent.Where(e => e.Str("idempotencyKey") == "bus-7").Select(e => e.MessageId).Distinct());
        Assert.Single(sent.Where(e => e.Str("idempotencyKey") == "webhook-42").Select(e => e.MessageId).Distinct());
    }

    [Fact]
    public async Task FloodWait10s_BusCommandsHeldThenSentInOrder_GrpcGetsResourceExhaustedWithRetryInfo()
    {
        await using var rig = await InboundRig.StartAsync(Ct, "--Outbound:SendInterval=00:00:00");
        await using var bus = await BusCollector.StartAsync(rig.BrokerUri, Ct, "OutboundMessageSent", "OutboundMessageFailed");
        var account = await rig.ConnectedAccountAsync("+99966 2 5003");
        var customer = rig.World.CreateUser(new NewUser("+447700900521", "Eve", "Flood", "eve_flood"));
        await using var publisher = await CommandPublisher.StartAsync(rig.BrokerUri, Ct);

        rig.World.InjectFlood("messages.sendMessage", seconds: 10, count: 1, user: "9996625003");
        var injectedAt = DateTimeOffset.UtcNow;
        for (var i = 1; i <= 3; i++)
        {
            await publisher.PublishEnvelopeAsync(new { accountId = account.Id, idempotencyKey = $"flood-{i}", peerUsername = "eve_flood", text = $"held {i}" });
        }

        var sent = await bus.WaitAsync(r => r.Count(e => e.Type == "OutboundMessageSent") >= 3, Long);
        Assert.DoesNotContain(sent, e => e.Type == "OutboundMessageFailed");
        var received = rig.World.ReceivedMessages(customer.Phone);
        Assert.Equal(["held 1", "held 2", "held 3"], received.Select(m => m.Text));

        // The emulator's own receipt time (whole seconds): the first command reached it only after the 10 s wait.
        Assert.True(received[0].Date >= injectedAt.AddSeconds(9), $"received at {received[0].Date:O}, flood injected at {injectedAt:O}");

        rig.World.InjectFlood("messages.sendMessage", seconds: 10, count: 1, user: "9996625003");
        var messages = new TelegramMessages.TelegramMessagesClient(rig.Host.Channel);
        var error = await Assert.ThrowsAsync<RpcException>(() => messages.SendMessageAsync(
            new SendMessageRequest { AccountId = account.Id, Peer = new Peer { Username = "eve_flood" }, Text = "too soon", IdempotencyKey = "grpc-flood" }, cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        var retry = Assert.Single(error.GetRpcStatus()!.Details, d => d.Is(RetryInfo.Descriptor)).Unpack<RetryInfo>();
        Assert.Equal(10, retry.RetryDelay.Seconds);
        Assert.Equal(3, rig.World.ReceivedMessages(customer.Phone).Count);
    }

    [Fact]
    public async Task TextOf4097Characters_FieldViolation_EditDeleteAndMarkReadReachTheCustomer()
    {
        await using var rig = await InboundRig.StartAsync(Ct, "--Outbound:SendInterval=00:00:00");
        await using var bus = await BusCollector.StartAsync(rig.BrokerUri, Ct, "InboundMessageReceived");
        var account = await rig.ConnectedAccountAsync("+99966 2 5004");
        var customer = rig.World.CreateUser(new NewUser("+447700900531", "Fay", "Edit", "fay_edit"));
        var messages = new TelegramMessages.TelegramMessagesClient(rig.Host.Channel);
        var peer = new Peer { Username = "fay_edit" };

        var error = await Assert.ThrowsAsync<RpcException>(() => messages.SendMessageAsync(
            new SendMessageRequest { AccountId = account.Id, Peer = peer, Text = new string('x', 4097), IdempotencyKey = "long" }, cancellationToken: Ct).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var violation = Assert.Single(Assert.Single(error.GetRpcStatus()!.Details, d => d.Is(BadRequest.Descriptor)).Unpack<BadRequest>().FieldViolations);
        Assert.Equal("text", violation.Field);
        Assert.Empty(rig.World.ReceivedMessages(customer.Phone));

        // Exactly the limit goes through.
        var longest = await messages.SendMessageAsync(new SendMessageRequest { AccountId = account.Id, Peer = peer, Text = new string('y', 4096), IdempotencyKey = "longest" }, cancellationToken: Ct);
        var first = await messages.SendMessageAsync(new SendMessageRequest { AccountId = account.Id, Peer = peer, Text = "Draft answer", IdempotencyKey = "edit-me" }, cancellationToken: Ct);

        await messages.EditMessageAsync(new EditMessageRequest
        {
            AccountId = account.Id, Peer = peer, MessageId = first.TelegramMessageId, Text = "Final answer",
            Entities = { new MessageEntity { Type = "italic", Offset = 0, Length = 5 } },
        }, cancellationToken: Ct);
        var edited = rig.World.ReceivedMessages(customer.Phone).Single(m => m.Text.StartsWith("Final", StringComparison.Ordinal));
        Assert.NotNull(edited.EditDate);
        Assert.Equal([new EmulatorEntity("italic", 0, 5)], edited.Entities);

        await messages.DeleteMessagesAsync(new DeleteMessagesRequest { AccountId = account.Id, Peer = peer, MessageIds = { longest.TelegramMessageId } }, cancellationToken: Ct);
        Assert.Equal(["Final answer"], rig.World.ReceivedMessages(customer.Phone).Select(m => m.Text));

        var question = rig.World.SendMessage(customer.Phone, "9996625004", "Did you get it?");
        await bus.WaitAsync(r => r.Any(e => e.Type == "InboundMessageReceived"), Long);
        await messages.MarkReadAsync(new MarkReadRequest { AccountId = account.Id, Peer = peer, UpToMessageId = question.Received!.Id }, cancellationToken: Ct);
        Assert.Equal(question.Sent.Id, rig.World.ReadOutboxMaxId(customer.Phone, "9996625004"));

        await messages.SetTypingAsync(new SetTypingRequest { AccountId = account.Id, Peer = peer }, cancellationToken: Ct);
    }

    [Fact]
    public async Task TwoHundredBusCommandsForOneChat_ArriveInCommandOrder()
    {
        await using var rig = await InboundRig.StartAsync(Ct, "--Outbound:SendInterval=00:00:00");
        var account = await rig.ConnectedAccountAsync("+99966 2 5005");
        var customer = rig.World.CreateUser(new NewUser("+447700900541", "Gus", "Order", "gus_order"));
        await using var publisher = await CommandPublisher.StartAsync(rig.BrokerUri, Ct);
        for (var i = 1; i <= 200; i++)
        {
            var command = new { accountId = account.Id, idempotencyKey = $"order-{i}", peerUsername = "gus_order", text = $"message {i}" };
            await (i % 2 == 0 ? publisher.PublishRawAsync(command) : publisher.PublishEnvelopeAsync(command));
        }

        var received = await Eventually.ReachedAsync(() => Task.FromResult(rig.World.ReceivedMessages(customer.Phone)), r => r.Count >= 200, Long);
        Assert.Equal(Enumerable.Range(1, 200).Select(i => $"message {i}"), received.Select(m => m.Text));
    }
}
