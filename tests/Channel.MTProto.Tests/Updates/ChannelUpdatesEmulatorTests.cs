using System.Threading.Channels;
using Channel.MTProto.Client;
using Channel.MTProto.Emulator.World;
using Channel.MTProto.Messaging;
using Channel.MTProto.Peers;
using Channel.MTProto.Tests.UserApi;
using Channel.MTProto.Tl.Api;
using Channel.MTProto.UpdateHandling;
using TlUpdates = Channel.MTProto.Tl.Api.Updates;

namespace Channel.MTProto.Tests.UpdateHandling;

/// <summary>
/// Supergroups and broadcast channels end to end: our client and updates engine against the in-process emulator over
/// TCP. Channel messages have their own ids and pts; the engine follows each channel with getChannelDifference.
/// </summary>
public sealed class ChannelUpdatesEmulatorTests : IAsyncLifetime
{
    private const string MePhone = "9996621041";
    private const string SenderPhone = "15550004001";

    private static readonly UpdatesEngineOptions FastRetries = new()
    {
        GapTimeout = TimeSpan.FromMilliseconds(200),
        HandlerRetryDelay = TimeSpan.FromMilliseconds(20),
        HandlerRetryMaxDelay = TimeSpan.FromMilliseconds(100),
        ChannelDifferenceLimit = 10,
    };

    private UserApiHost _host = null!;

    private global::Channel.MTProto.Emulator.World.EmulatorWorld World => _host.World;

    public async ValueTask InitializeAsync()
    {
        _host = await UserApiHost.StartAsync();
        World.CreateUser(new NewUser(SenderPhone, "Sender"));
        World.CreateUser(new NewUser(MePhone, "Me"));
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task LiveSupergroupAndChannelMessages_DeliveredInOrderAsGroupAndChannel_AndWeCanPost()
    {
        var session = new MTProtoSessionState(_host.Emulator.MainDcId);
        var client = await LoginAsync(session);
        var supergroup = World.CreateChannel("Help desk", [SenderPhone, MePhone], megagroup: true);
        var inbox = new BatchRecorder();
        await client.StartUpdatesAsync(inbox.HandleAsync, FastRetries, TestContext.Current.CancellationToken);

        // Created after the engine started: its first update is the first the engine sees of it.
        var broadcast = World.CreateChannel("Announcements", [SenderPhone, MePhone], megagroup: false);
        for (var i = 0; i < 5; i++)
        {
            World.SendChannelMessage(SenderPhone, supergroup.Id, $"group {i}");
            World.SendChannelMessage(SenderPhone, broadcast.Id, $"news {i}");
        }

        await inbox.WaitForMessagesAsync(10);
        var group = inbox.Messages.Where(m => m.Chat == PeerId.Channel(supergroup.Id)).ToList();
        var news = inbox.Messages.Where(m => m.Chat == PeerId.Channel(broadcast.Id)).ToList();
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"group {i}"), group.Select(m => m.Text));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"news {i}"), news.Select(m => m.Text));
        Assert.All(group, m => Assert.Equal((ChatKind.Group, "Help desk"), (m.ChatKind, m.ChatTitle)));
        Assert.All(news, m => Assert.Equal((ChatKind.Channel, "Announcements"), (m.ChatKind, m.ChatTitle)));
        Assert.All(group, m => Assert.Equal(PeerId.User(World.GetUser(SenderPhone).Id), m.Sender));
        Assert.Equal([2, 3, 4, 5, 6], group.Select(m => m.MessageId)); // the channel's own ids (1 is channelCreate)

        var sent = await client.SendTextAsync(PeerId.Channel(supergroup.Id), "our answer", randomId: 77, replyToMessageId: group[^1].MessageId, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(new MessageKey(PeerId.Channel(supergroup.Id), 7), sent.Key);
        Assert.Equal("our answer", World.ChannelMessages(supergroup.Id)[^1].Text);
        await BatchRecorder.WaitUntilAsync(() => client.CommittedUpdateState?.GetChannelPts(supergroup.Id) == World.FindChat(supergroup.Id)!.Pts);
        Assert.Equal(7, client.CommittedUpdateState!.GetChannelMaxMessageId(supergroup.Id));

        // Edit, read and delete in the channel go through the channel's calls and keep its pts in step.
        var ct = TestContext.Current.CancellationToken;
        await client.EditTextAsync(PeerId.Channel(supergroup.Id), 7, "our edited answer", null, ct);
        await client.MarkReadAsync(PeerId.Channel(supergroup.Id), 6, ct);
        await client.DeleteMessagesAsync(PeerId.Channel(supergroup.Id), [7], ct);
        Assert.Equal("group 4", World.ChannelMessages(supergroup.Id)[^1].Text);
        await BatchRecorder.WaitUntilAsync(() => client.CommittedUpdateState?.GetChannelPts(supergroup.Id) == World.FindChat(supergroup.Id)!.Pts);
        Assert.DoesNotContain(inbox.Batches, b => b.HistoryGaps.Count > 0);
    }

    [Fact]
    public async Task Offline_ChannelMessages_CaughtUpInGetChannelDifferenceSlicesAfterRestart()
    {
        var supergroup = World.CreateChannel("Slices", [SenderPhone, MePhone], megagroup: true);
        var session = new MTProtoSessionState(_host.Emulator.MainDcId);
        var client = await LoginAsync(session);
        var inbox = new BatchRecorder();
        await client.StartUpdatesAsync(inbox.HandleAsync, FastRetries, TestContext.Current.CancellationToken);
        World.SendChannelMessage(SenderPhone, supergroup.Id, "online");
        await inbox.WaitForMessagesAsync(1);
        await BatchRecorder.WaitUntilAsync(() => client.CommittedUpdateState?.GetChannelPts(supergroup.Id) == World.FindChat(supergroup.Id)!.Pts);
        var saved = session.Serialize();
        await client.DisposeAsync();

        var offline = Enumerable.Range(0, 35).Select(i => World.SendChannelMessage(SenderPhone, supergroup.Id, $"offline {i}").Text).ToList();

        var restarted = _host.NewClient(MTProtoSessionState.Deserialize(saved));
        await restarted.StartUpdatesAsync(inbox.SavedState, inbox, FastRetries, null, TestContext.Current.CancellationToken);
        await inbox.WaitForMessagesAsync(36);

        Assert.Equal(["online", .. offline], inbox.Texts);
        // All 35 came through getChannelDifference (limit 10, so in slices; slices that queue while the host is busy
        // reach it merged, so the number of deliveries says nothing about the number of slices).
        Assert.Equal(35, inbox.Batches.Where(b => b.Source == UpdateBatchSource.ChannelDifference).Sum(b => b.Events.Count));
        Assert.DoesNotContain(inbox.Batches, b => b.HistoryGaps.Count > 0);
    }

    [Fact]
    public async Task ForcedChannelDifferenceTooLong_RecoveredFromHistory_NothingLostNothingTwice()
    {
        var supergroup = World.CreateChannel("Too long", [SenderPhone, MePhone], megagroup: true);
        var session = new MTProtoSessionState(_host.Emulator.MainDcId);
        var client = await LoginAsync(session);
        var inbox = new BatchRecorder();
        await client.StartUpdatesAsync(inbox.HandleAsync, FastRetries, TestContext.Current.CancellationToken);
        World.SendChannelMessage(SenderPhone, supergroup.Id, "before");
        await inbox.WaitForMessagesAsync(1);
        await BatchRecorder.WaitUntilAsync(() => client.CommittedUpdateState?.GetChannelMaxMessageId(supergroup.Id) == 2);
        var saved = session.Serialize();
        await client.DisposeAsync();

        var offline = Enumerable.Range(0, 150).Select(i => World.SendChannelMessage(SenderPhone, supergroup.Id, $"missed {i}").Text).ToList();
        World.ForceChannelDifferenceTooLong(supergroup.Id, MePhone);

        var restarted = _host.NewClient(MTProtoSessionState.Deserialize(saved));
        await restarted.StartUpdatesAsync(inbox.SavedState, inbox, FastRetries, null, TestContext.Current.CancellationToken);
        World.SendChannelMessage(SenderPhone, supergroup.Id, "after");
        await inbox.WaitForMessagesAsync(152);

        Assert.Equal(["before", .. offline, "after"], inbox.Texts);
        Assert.Contains(inbox.Batches, b => b.Source == UpdateBatchSource.History && b.Events.Count > 0);
        Assert.DoesNotContain(inbox.Batches, b => b.HistoryGaps.Count > 0);
        await BatchRecorder.WaitUntilAsync(() => restarted.CommittedUpdateState?.GetChannelPts(supergroup.Id) == World.FindChat(supergroup.Id)!.Pts);
    }

    [Fact]
    public async Task MigratedWhileOffline_GroupThenSupergroupMessages_NothingLost()
    {
        var group = World.CreateGroup("Old group", [SenderPhone, MePhone]);
        var session = new MTProtoSessionState(_host.Emulator.MainDcId);
        var client = await LoginAsync(session);
        var inbox = new BatchRecorder();
        await client.StartUpdatesAsync(inbox.HandleAsync, FastRetries, TestContext.Current.CancellationToken);
        World.SendChatMessage(SenderPhone, group.Id, "in the group");
        await inbox.WaitForMessagesAsync(1);
        await BatchRecorder.WaitUntilAsync(() => client.CommittedUpdateState?.Pts == World.GetUpdateState(MePhone).Pts);
        var saved = session.Serialize();
        await client.DisposeAsync();

        World.SendChatMessage(SenderPhone, group.Id, "last in the group");
        var supergroup = World.MigrateChat(group.Id, SenderPhone);
        World.SendChannelMessage(SenderPhone, supergroup.Id, "first in the supergroup");
        World.SendChannelMessage(SenderPhone, supergroup.Id, "second in the supergroup");

        var restarted = _host.NewClient(MTProtoSessionState.Deserialize(saved));
        await restarted.StartUpdatesAsync(inbox.SavedState, inbox, FastRetries, null, TestContext.Current.CancellationToken);
        await inbox.WaitForMessagesAsync(4);

        Assert.Equal(["in the group", "last in the group", "first in the supergroup", "second in the supergroup"], inbox.Texts);
        Assert.Equal([PeerId.Chat(group.Id), PeerId.Chat(group.Id), PeerId.Channel(supergroup.Id), PeerId.Channel(supergroup.Id)], inbox.Messages.Select(m => m.Chat));
        Assert.DoesNotContain(inbox.Batches, b => b.HistoryGaps.Count > 0);
        await BatchRecorder.WaitUntilAsync(() => restarted.CommittedUpdateState?.GetChannelPts(supergroup.Id) == World.FindChat(supergroup.Id)!.Pts);
    }

    [Fact]
    public async Task UnknownChannel_UpdateChannelTooLongWithPts_SeededAndItsDifferenceFetched()
    {
        var session = new MTProtoSessionState(_host.Emulator.MainDcId);
        var client = await LoginAsync(session);
        var inbox = new BatchRecorder();

        // The engine reads pushes through a filter that loses every channel update but updateChannelTooLong: the
        // channel stays unknown to it until then.
        var pushes = new UpdateQueue();
        _ = ForwardAsync(client.Client.Updates, pushes, u => !IsChannelUpdate(u) || u is UpdatesConstructor { Updates: [UpdateChannelTooLong] }, TestContext.Current.CancellationToken);
        await using var engine = new UpdatesEngine(client, null, new PeerCacheUpdatePeers(client.Peers), inbox, () => session.UserId, FastRetries, pushes);
        await engine.StartAsync(TestContext.Current.CancellationToken);

        var supergroup = World.CreateChannel("Unknown", [SenderPhone, MePhone], megagroup: true);
        var lost = Enumerable.Range(0, 5).Select(i => World.SendChannelMessage(SenderPhone, supergroup.Id, $"unseen {i}").Text).ToList();
        World.ForceChannelTooLong(supergroup.Id, MePhone, pts: 1);
        await inbox.WaitForMessagesAsync(5);

        Assert.Equal(lost, inbox.Texts);
        await BatchRecorder.WaitUntilAsync(() => engine.CommittedState?.GetChannelPts(supergroup.Id) == World.FindChat(supergroup.Id)!.Pts);
    }

    [Fact]
    public async Task UnacknowledgedPush_ResentAfterTheSameSessionReconnects()
    {
        var (client, _) = await _host.LoginAsync(MePhone);
        var supergroup = World.CreateChannel("Resend", [SenderPhone, MePhone], megagroup: true);
        await client.Client.InvokeAsync(new Messages.GetDialogs { OffsetPeer = new InputPeerEmpty(), Limit = 10 }, TestContext.Current.CancellationToken);

        // Lost in transit: the emulator counts it as sent and keeps it until acknowledged.
        _host.Emulator.Faults.LoseNextPushes();
        World.SendChannelMessage(SenderPhone, supergroup.Id, "lost once");
        await BatchRecorder.WaitUntilAsync(() => _host.Emulator.Faults.PushesStillToLose == 0);
        _host.Emulator.Faults.DropConnections();

        // No updates engine here (no getDifference): only the emulator's resend can bring it.
        var text = await NextChannelTextAsync(client.Client.Updates);
        Assert.Equal("lost once", text);
    }

    [Fact]
    public async Task TooManyUnacknowledgedChannelPushes_UpdateChannelTooLongInstead_UntilGetChannelDifference()
    {
        await using var host = await UserApiHost.StartAsync(o => o.World.ChannelPendingUpdatesLimit = 3);
        host.World.CreateUser(new NewUser(SenderPhone, "Sender"));
        var (client, _) = await host.LoginAsync(MePhone);
        var supergroup = host.World.CreateChannel("Pending", [SenderPhone, MePhone], megagroup: true);
        await client.Client.InvokeAsync(new Messages.GetDialogs { OffsetPeer = new InputPeerEmpty(), Limit = 10 }, TestContext.Current.CancellationToken);

        // Three pushes the client never gets (so never acknowledges): the fourth becomes updateChannelTooLong.
        host.Emulator.Faults.LoseNextPushes(3);
        for (var i = 0; i < 5; i++)
        {
            host.World.SendChannelMessage(SenderPhone, supergroup.Id, $"pending {i}");
        }

        await BatchRecorder.WaitUntilAsync(() => host.Emulator.Faults.PushesStillToLose == 0);

        var tooLong = await NextAsync(client.Client.Updates, u => u is UpdateChannelTooLong);
        Assert.Equal(4, ((UpdateChannelTooLong)tooLong).Pts); // where the client must fetch from: before the 4th message (pts 5)

        // Nothing more of that channel until the client asks for its difference; then pushes flow again.
        var input = new InputChannel { ChannelId = supergroup.Id, AccessHash = supergroup.AccessHash!.Value };
        var difference = Assert.IsType<TlUpdates.ChannelDifference>(await client.Client.InvokeAsync(
            new TlUpdates.GetChannelDifference { Channel = input, Filter = new ChannelMessagesFilterEmpty(), Pts = 1, Limit = 100 }, TestContext.Current.CancellationToken));
        Assert.Equal(["pending 0", "pending 1", "pending 2", "pending 3", "pending 4"], difference.NewMessages.OfType<Message>().Select(m => m.MessageValue));
        host.World.SendChannelMessage(SenderPhone, supergroup.Id, "flowing again");
        var next = await NextAsync(client.Client.Updates, u => u is UpdateNewChannelMessage);
        Assert.Equal("flowing again", ((Message)((UpdateNewChannelMessage)next).Message).MessageValue);
    }

    [Fact]
    public async Task InputPeerUserFromMessage_ResolvesTheAuthorOfASupergroupMessage()
    {
        var (client, _) = await _host.LoginAsync(MePhone);
        var supergroup = World.CreateChannel("Members", [MePhone, SenderPhone], megagroup: true);
        var post = World.SendChannelMessage(SenderPhone, supergroup.Id, "ask me privately");
        var where = new InputPeerChannel { ChannelId = supergroup.Id, AccessHash = supergroup.AccessHash!.Value };
        var sender = World.GetUser(SenderPhone);
        var ct = TestContext.Current.CancellationToken;

        await client.Client.InvokeAsync(new Messages.SendMessage { Peer = new InputPeerUserFromMessage { Peer = where, MsgId = post.Id, UserId = sender.Id }, Message = "private answer", RandomId = 5 }, ct);

        Assert.Contains(World.ReceivedMessages(SenderPhone), m => m.Text == "private answer");
        var wrongMessage = await Assert.ThrowsAsync<TelegramRpcException>(() => client.Client.InvokeAsync(
            new Messages.SendMessage { Peer = new InputPeerUserFromMessage { Peer = where, MsgId = post.Id + 1, UserId = sender.Id }, Message = "nope", RandomId = 6 }, ct));
        Assert.Equal("PEER_ID_INVALID", wrongMessage.ErrorName);
    }

    [Fact]
    public async Task StateFile_Restart_KeepsSupergroupsTheirMessagesPtsAndMigration()
    {
        var path = Path.Combine(Path.GetTempPath(), $"channel-world-{Guid.NewGuid():N}.json");
        try
        {
            EmulatorChat supergroup;
            EmulatorChat migrated;
            long groupId;
            await using (var host = await EmulatorWorld.WorldTestHost.StartAsync(o => o.World.StatePath = path))
            {
                host.World.CreateUser(new NewUser(SenderPhone, "Sender"));
                host.World.CreateUser(new NewUser(MePhone, "Me"));
                supergroup = host.World.CreateChannel("Kept", [SenderPhone, MePhone], megagroup: true);
                host.World.SendChannelMessage(SenderPhone, supergroup.Id, "kept");
                groupId = host.World.CreateGroup("To migrate", [SenderPhone, MePhone]).Id;
                migrated = host.World.MigrateChat(groupId, SenderPhone);
            }

            await using (var host = await EmulatorWorld.WorldTestHost.StartAsync(o => o.World.StatePath = path))
            {
                var kept = host.World.FindChat(supergroup.Id)!;
                Assert.Equal((supergroup.Kind, supergroup.Title, supergroup.AccessHash, 2), (kept.Kind, kept.Title, kept.AccessHash, kept.Pts));
                Assert.Equal(supergroup.MemberIds.Order(), kept.MemberIds.Order());
                Assert.Equal(["", "kept"], host.World.ChannelMessages(supergroup.Id).Select(m => m.Text));
                Assert.Equal(migrated.Id, host.World.FindChat(groupId)!.MigratedToId);
                Assert.Equal(3, host.World.SendChannelMessage(MePhone, supergroup.Id, "after the restart").Id);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task HostileGetChannelDifference_AnsweredWithTelegramErrors()
    {
        var (client, _) = await _host.LoginAsync(MePhone);
        var mine = World.CreateChannel("Mine", [MePhone, SenderPhone], megagroup: true);
        var foreign = World.CreateChannel("Foreign", [SenderPhone], megagroup: false);
        var ct = TestContext.Current.CancellationToken;
        var channel = new InputChannel { ChannelId = mine.Id, AccessHash = mine.AccessHash!.Value };

        async Task<string> ErrorOf(InputChannelBase target, int pts, int limit)
            => (await Assert.ThrowsAsync<TelegramRpcException>(() => client.Client.InvokeAsync(
                new TlUpdates.GetChannelDifference { Channel = target, Filter = new ChannelMessagesFilterEmpty(), Pts = pts, Limit = limit }, ct))).ErrorName;

        Assert.Equal("PERSISTENT_TIMESTAMP_EMPTY", await ErrorOf(channel, 0, 10));
        Assert.Equal("PERSISTENT_TIMESTAMP_EMPTY", await ErrorOf(channel, int.MinValue, 10));
        Assert.Equal("PERSISTENT_TIMESTAMP_INVALID", await ErrorOf(channel, int.MaxValue, 10));
        Assert.Equal("CHANNEL_INVALID", await ErrorOf(new InputChannel { ChannelId = mine.Id, AccessHash = mine.AccessHash.Value + 1 }, 1, 10));
        Assert.Equal("CHANNEL_INVALID", await ErrorOf(new InputChannelEmpty(), 1, 10));
        Assert.Equal("CHANNEL_PRIVATE", await ErrorOf(new InputChannel { ChannelId = foreign.Id, AccessHash = foreign.AccessHash!.Value }, 1, 10));

        // A hostile limit is clamped, not trusted: one event at least, 100 at most.
        for (var i = 0; i < 150; i++)
        {
            World.SendChannelMessage(SenderPhone, mine.Id, $"m{i}");
        }

        var huge = Assert.IsType<TlUpdates.ChannelDifference>(await client.Client.InvokeAsync(
            new TlUpdates.GetChannelDifference { Channel = channel, Filter = new ChannelMessagesFilterEmpty(), Pts = 1, Limit = int.MaxValue }, ct));
        Assert.Equal(100, huge.NewMessages.Count);
        Assert.False(huge.Final);
        var negative = Assert.IsType<TlUpdates.ChannelDifference>(await client.Client.InvokeAsync(
            new TlUpdates.GetChannelDifference { Channel = channel, Filter = new ChannelMessagesFilterEmpty(), Pts = 1, Limit = -5 }, ct));
        Assert.Single(negative.NewMessages);
    }

    private static bool IsChannelUpdate(UpdatesBase updates)
        => updates is UpdatesConstructor c && c.Updates.Any(u => u is UpdateNewChannelMessage or UpdateChannel or UpdateChannelTooLong);

    private static async Task<string> NextChannelTextAsync(ChannelReader<UpdatesBase> updates)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        await foreach (var push in updates.ReadAllAsync(timeout.Token))
        {
            if (push is UpdatesConstructor c && c.Updates.OfType<UpdateNewChannelMessage>().FirstOrDefault() is { Message: Message message })
            {
                return message.MessageValue;
            }
        }

        throw new InvalidOperationException("the updates stream ended");
    }

    private static async Task<UpdateBase> NextAsync(ChannelReader<UpdatesBase> updates, Func<UpdateBase, bool> accept)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        await foreach (var push in updates.ReadAllAsync(timeout.Token))
        {
            if (push is UpdatesConstructor c && c.Updates.FirstOrDefault(accept) is { } found)
            {
                return found;
            }
        }

        throw new InvalidOperationException("the updates stream ended");
    }

    private static async Task ForwardAsync(ChannelReader<UpdatesBase> from, UpdateQueue to, Func<UpdatesBase, bool> pass, CancellationToken cancellationToken)
    {
        await foreach (var updates in from.ReadAllAsync(cancellationToken))
        {
            if (pass(updates))
            {
                to.TryWrite(updates);
            }
        }
    }

    private async Task<TelegramUserClient> LoginAsync(MTProtoSessionState session)
    {
        var client = _host.NewClient(session);
        await client.SendCodeAsync(MePhone, TestContext.Current.CancellationToken);
        Assert.IsType<Login.SignedIn>(await client.SignInAsync(World.LastCode(MePhone)!, TestContext.Current.CancellationToken));
        return client;
    }
}
