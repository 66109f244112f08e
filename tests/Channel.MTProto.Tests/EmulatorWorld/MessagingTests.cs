using Channel.MTProto.Client;
using Channel.MTProto.Emulator.World;
using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.Tests.EmulatorWorld;

/// <summary>Private messages, pushes and per-user pts / getDifference, through our client over TCP.</summary>
public sealed class MessagingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SendMessage_SameRandomIdTwice_OneMessage()
    {
        await using var host = await WorldTestHost.StartAsync();
        var (alice, _) = await host.LoginAsync("9996620001");
        var (_, bob) = await host.LoginAsync("9996620002");
        var send = new Messages.SendMessage { Peer = WorldTestHost.Peer(bob), Message = "once", RandomId = 42 };

        var first = Assert.IsType<UpdateShortSentMessage>(await alice.InvokeAsync(send, Ct));
        var second = Assert.IsType<UpdateShortSentMessage>(await alice.InvokeAsync(send, Ct));

        Assert.Equal((first.Id, first.Pts, first.PtsCount), (second.Id, second.Pts, second.PtsCount));
        Assert.Single(host.World.ReceivedMessages("9996620002"));
        Assert.Equal(1, host.World.GetUpdateState("9996620001").Pts);
    }

    [Fact]
    public async Task SendMessage_Over4096Characters_MessageTooLong()
    {
        await using var host = await WorldTestHost.StartAsync();
        var (alice, _) = await host.LoginAsync("9996620001");
        var (_, bob) = await host.LoginAsync("9996620002");

        var error = await WorldTestHost.RpcErrorAsync(() => alice.InvokeAsync(new Messages.SendMessage { Peer = WorldTestHost.Peer(bob), Message = new string('x', 4097), RandomId = 1 }, Ct));

        Assert.Equal((400, "MESSAGE_TOO_LONG"), (error.Code, error.ErrorName));
        Assert.Empty(host.World.ReceivedMessages("9996620002"));
    }

    [Fact]
    public async Task SendMessage_WrongAccessHash_PeerIdInvalid()
    {
        await using var host = await WorldTestHost.StartAsync();
        var (alice, _) = await host.LoginAsync("9996620001");
        var (_, bob) = await host.LoginAsync("9996620002");

        var error = await WorldTestHost.RpcErrorAsync(() => alice.InvokeAsync(new Messages.SendMessage { Peer = new InputPeerUser { UserId = bob.Id, AccessHash = bob.AccessHash!.Value + 1 }, Message = "hi", RandomId = 1 }, Ct));

        Assert.Equal("PEER_ID_INVALID", error.ErrorName);
    }

    [Fact]
    public async Task SendMessage_RecipientConnected_PushedInPtsOrderWithSender()
    {
        await using var host = await WorldTestHost.StartAsync();
        var (alice, aliceUser) = await host.LoginAsync("9996620001");
        var (bob, bobUser) = await host.LoginAsync("9996620002");
        var start = (Updates.State)await bob.InvokeAsync(new Updates.GetState(), Ct);

        for (var i = 0; i < 20; i++)
        {
            await alice.InvokeAsync(new Messages.SendMessage { Peer = WorldTestHost.Peer(bobUser), Message = $"m{i}", RandomId = 100 + i }, Ct);
        }

        for (var i = 0; i < 20; i++)
        {
            var pushed = await bob.Updates.ReadAsync(Ct);
            if (i == 0)
            {
                // First contact: the full form, with the sender's user (access hash) and the account's next seq.
                var updates = Assert.IsType<UpdatesConstructor>(pushed);
                var update = Assert.IsType<UpdateNewMessage>(Assert.Single(updates.Updates));
                var message = Assert.IsType<Message>(update.Message);
                Assert.Equal((start.Pts + 1, 1, start.Seq + 1), (update.Pts, update.PtsCount, updates.Seq));
                Assert.Equal(("m0", false, aliceUser.Id), (message.MessageValue, message.Out, Assert.IsType<PeerUser>(message.PeerId).UserId));
                Assert.Contains(updates.Users, u => u is User { Id: var id, AccessHash: not null } && id == aliceUser.Id);
            }
            else
            {
                // Known to each other now: updateShortMessage, as Telegram sends it.
                var shortMessage = Assert.IsType<UpdateShortMessage>(pushed);
                Assert.Equal((start.Pts + i + 1, 1, $"m{i}", false, aliceUser.Id), (shortMessage.Pts, shortMessage.PtsCount, shortMessage.Message, shortMessage.Out, shortMessage.UserId));
            }
        }
    }

    [Fact]
    public async Task SendMessage_ConcurrentSenders_RecipientGetsEveryPtsOnceInOrder()
    {
        await using var host = await WorldTestHost.StartAsync();
        var (bob, bobUser) = await host.LoginAsync("9996620002");
        var senders = new[] { "9996620011", "9996620012", "9996620013" };
        var clients = new List<MTProtoClient>();
        foreach (var phone in senders)
        {
            clients.Add((await host.LoginAsync(phone)).Client);
        }

        await Task.WhenAll(clients.Select((client, s) => Task.Run(async () =>
        {
            for (var i = 0; i < 100; i++)
            {
                await client.InvokeAsync(new Messages.SendMessage { Peer = WorldTestHost.Peer(bobUser), Message = $"{s}:{i}", RandomId = (s * 1000) + i }, Ct);
            }
        }, Ct)));

        var perSender = new Dictionary<long, List<int>>();
        for (var pts = 1; pts <= 300; pts++)
        {
            var (updatePts, text, from) = await bob.Updates.ReadAsync(Ct) switch
            {
                UpdatesConstructor { Updates: [UpdateNewMessage { Message: Message m } u] } => (u.Pts, m.MessageValue, ((PeerUser)m.FromId!).UserId),
                UpdateShortMessage s => (s.Pts, s.Message, s.UserId),
                var other => throw new Xunit.Sdk.XunitException($"unexpected {other}"),
            };
            Assert.Equal(pts, updatePts);
            var sequence = int.Parse(text.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
            (perSender.TryGetValue(from, out var list) ? list : perSender[from] = []).Add(sequence);
        }

        Assert.Equal(3, perSender.Count);
        Assert.All(perSender.Values, sequence => Assert.Equal(Enumerable.Range(0, 100), sequence));
        Assert.False(bob.Updates.TryRead(out _));
    }

    [Fact]
    public async Task SendMessage_RecipientOnTwoAuthKeys_BothSessionsGetTheSameUpdate()
    {
        await using var host = await WorldTestHost.StartAsync();
        var (first, bob) = await host.LoginAsync("9996620002");
        var (second, _) = await host.LoginAsync("9996620002");
        await host.LoginAsync("9996620001");

        host.World.SendMessage("9996620001", "9996620002", "to every device");

        foreach (var client in new[] { first, second })
        {
            var update = (UpdateNewMessage)((UpdatesConstructor)await client.Updates.ReadAsync(Ct)).Updates[0];
            Assert.Equal((1, "to every device"), (update.Pts, ((Message)update.Message).MessageValue));
        }

        Assert.Equal(bob.Id, host.World.GetUser("9996620002").Id);
    }

    [Fact]
    public async Task GetDifference_MessagesWhileOffline_SlicesInOrderThenEmpty()
    {
        await using var host = await WorldTestHost.StartAsync(o => o.World.DifferenceSliceSize = 3);
        await host.LoginAsync("9996620001");
        var (bob, _) = await host.LoginAsync("9996620002");
        var state = (Updates.State)await bob.InvokeAsync(new Updates.GetState(), Ct);
        for (var i = 0; i < 7; i++)
        {
            host.World.SendMessage("9996620001", "9996620002", $"offline {i}");
        }

        var texts = new List<string>();
        var pts = state.Pts;
        var slices = 0;
        while (await bob.InvokeAsync(new Updates.GetDifference { Pts = pts, Date = state.Date, Qts = 0 }, Ct) is Updates.DifferenceSlice slice)
        {
            texts.AddRange(slice.NewMessages.Cast<Message>().Select(m => m.MessageValue));
            pts = ((Updates.State)slice.IntermediateState).Pts;
            slices++;
        }

        var last = Assert.IsType<Updates.Difference>(await bob.InvokeAsync(new Updates.GetDifference { Pts = pts, Date = state.Date, Qts = 0 }, Ct));
        texts.AddRange(last.NewMessages.Cast<Message>().Select(m => m.MessageValue));
        pts = ((Updates.State)last.State).Pts;

        Assert.Equal(2, slices);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"offline {i}"), texts);
        Assert.Equal(state.Pts + 7, pts);
        Assert.IsType<Updates.DifferenceEmpty>(await bob.InvokeAsync(new Updates.GetDifference { Pts = pts, Date = state.Date, Qts = 0 }, Ct));
        Assert.Equal(state.Pts + 7, Assert.IsType<Updates.DifferenceTooLong>(
            await bob.InvokeAsync(new Updates.GetDifference { Pts = state.Pts, PtsTotalLimit = 5, Date = state.Date, Qts = 0 }, Ct)).Pts);
    }

    [Fact]
    public async Task ReadEditDelete_EachMovesPtsOfBothUsers_AndAppearInDifference()
    {
        await using var host = await WorldTestHost.StartAsync();
        var (alice, _) = await host.LoginAsync("9996620001");
        var (bob, bobUser) = await host.LoginAsync("9996620002");
        var aliceStart = (Updates.State)await alice.InvokeAsync(new Updates.GetState(), Ct);
        var sent = (UpdateShortSentMessage)await alice.InvokeAsync(new Messages.SendMessage { Peer = WorldTestHost.Peer(bobUser), Message = "v1", RandomId = 7 }, Ct);

        var edit = Assert.IsType<UpdatesConstructor>(await alice.InvokeAsync(new Messages.EditMessage { Peer = WorldTestHost.Peer(bobUser), Id = sent.Id, Message = "v2" }, Ct));
        Assert.Equal(sent.Pts + 1, Assert.IsType<UpdateEditMessage>(Assert.Single(edit.Updates)).Pts);
        var bobInbox = host.World.ReceivedMessages("9996620002");
        var read = Assert.IsType<Messages.AffectedMessages>(await bob.InvokeAsync(new Messages.ReadHistory { Peer = new InputPeerUser { UserId = bobInbox[0].PeerId, AccessHash = host.World.GetUser("9996620001").AccessHash }, MaxId = 0 }, Ct));
        Assert.Equal(1, read.PtsCount);
        var deleted = Assert.IsType<Messages.AffectedMessages>(await alice.InvokeAsync(new Messages.DeleteMessages { Revoke = true, Id = [sent.Id] }, Ct));
        Assert.Equal(sent.Pts + 3, deleted.Pts); // new message, edit, outbox read, deletion

        var difference = Assert.IsType<Updates.Difference>(await alice.InvokeAsync(new Updates.GetDifference { Pts = aliceStart.Pts, Date = aliceStart.Date, Qts = 0 }, Ct));
        Assert.Empty(difference.NewMessages); // deleted since
        Assert.Collection(difference.OtherUpdates,
            u => Assert.IsType<UpdateReadHistoryOutbox>(u),
            u => Assert.Equal([sent.Id], Assert.IsType<UpdateDeleteMessages>(u).Messages));
        Assert.Empty(host.World.ReceivedMessages("9996620002"));
        Assert.Equal(4, host.World.GetUpdateState("9996620002").Pts); // new, edit, inbox read, deletion
    }

    [Fact]
    public async Task GetHistoryAndDialogs_NewestFirstWithUnreadCount()
    {
        await using var host = await WorldTestHost.StartAsync();
        var (_, alice) = await host.LoginAsync("9996620001");
        var (bob, _) = await host.LoginAsync("9996620002");
        for (var i = 0; i < 5; i++)
        {
            host.World.SendMessage("9996620001", "9996620002", $"h{i}");
        }

        var history = Assert.IsType<Messages.MessagesSlice>(await bob.InvokeAsync(new Messages.GetHistory { Peer = WorldTestHost.Peer(alice), Limit = 3 }, Ct));
        Assert.Equal(5, history.Count);
        Assert.Equal(["h4", "h3", "h2"], history.Messages.Cast<Message>().Select(m => m.MessageValue));
        var older = await bob.InvokeAsync(new Messages.GetHistory { Peer = WorldTestHost.Peer(alice), OffsetId = ((Message)history.Messages[^1]).Id, Limit = 3 }, Ct);
        Assert.Equal(["h1", "h0"], ((Messages.MessagesSlice)older).Messages.Cast<Message>().Select(m => m.MessageValue));

        var dialogs = Assert.IsType<Messages.Dialogs>(await bob.InvokeAsync(new Messages.GetDialogs { OffsetPeer = new InputPeerEmpty(), Limit = 10 }, Ct));
        var dialog = Assert.IsType<Dialog>(Assert.Single(dialogs.DialogsValue));
        Assert.Equal((5, alice.Id), (dialog.UnreadCount, ((PeerUser)dialog.Peer).UserId));
    }

    [Fact]
    public async Task ResolveUsernameAndPhone_KnownAndUnknown()
    {
        await using var host = await WorldTestHost.StartAsync();
        host.World.CreateUser(new global::Channel.MTProto.Emulator.World.NewUser("15550004444", "Dana", Username: "dana_help"));
        var (client, _) = await host.LoginAsync("9996620001");

        var byName = await client.InvokeAsync(new Contacts.ResolveUsername { Username = "dana_help" }, Ct);
        var byPhone = await client.InvokeAsync(new Contacts.ResolvePhone { Phone = "15550004444" }, Ct);

        Assert.Equal("Dana", ((User)Assert.Single(((Contacts.ResolvedPeer)byName).Users)).FirstName);
        Assert.Equal(((PeerUser)((Contacts.ResolvedPeer)byName).Peer).UserId, ((PeerUser)((Contacts.ResolvedPeer)byPhone).Peer).UserId);
        Assert.Equal("USERNAME_NOT_OCCUPIED", (await WorldTestHost.RpcErrorAsync(() => client.InvokeAsync(new Contacts.ResolveUsername { Username = "nobody_here" }, Ct))).ErrorName);
        Assert.Equal("PHONE_NOT_OCCUPIED", (await WorldTestHost.RpcErrorAsync(() => client.InvokeAsync(new Contacts.ResolvePhone { Phone = "15550005555" }, Ct))).ErrorName);
    }

    [Fact]
    public async Task GetChannelDifference_NoChannels_ChannelInvalid()
    {
        await using var host = await WorldTestHost.StartAsync();
        var (client, _) = await host.LoginAsync("9996620001");

        var error = await WorldTestHost.RpcErrorAsync(() => client.InvokeAsync(new Updates.GetChannelDifference
        {
            Channel = new InputChannel { ChannelId = 1, AccessHash = 1 },
            Filter = new ChannelMessagesFilterEmpty(),
            Pts = 1,
            Limit = 100,
        }, Ct));

        Assert.Equal("CHANNEL_INVALID", error.ErrorName);
    }
}
