using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Channel.MTProto.Client;
using Channel.MTProto.Emulator.World;
using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.Tests.EmulatorWorld;

/// <summary>
/// What the world pushes and to whom: seq on full updates, basic groups made through the control API, bulk sends,
/// forced updatesTooLong / differenceTooLong, every live connection of a user, sessions a reconnecting client leaves.
/// </summary>
public sealed class DeliveryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FullUpdates_EachTakesTheNextSeq_ShortUpdatesCarryNone()
    {
        await using var host = await WorldTestHost.StartAsync();
        await host.LoginAsync("9996621001");
        var (bob, _) = await host.LoginAsync("9996621002");
        var start = (Updates.State)await bob.InvokeAsync(new Updates.GetState(), Ct);

        var first = host.World.SendMessage("9996621001", "9996621002", "first contact");
        var firstPush = Assert.IsType<UpdatesConstructor>(await bob.Updates.ReadAsync(Ct));
        host.World.SendMessage("9996621001", "9996621002", "known now");
        var shortPush = Assert.IsType<UpdateShortMessage>(await bob.Updates.ReadAsync(Ct));
        host.World.EditMessage("9996621001", first.Sent.Id, "first contact, edited");
        var editPush = Assert.IsType<UpdatesConstructor>(await bob.Updates.ReadAsync(Ct));
        host.World.DeleteMessages("9996621001", [first.Sent.Id]);
        var deletePush = Assert.IsType<UpdatesConstructor>(await bob.Updates.ReadAsync(Ct));

        Assert.Equal([start.Seq + 1, start.Seq + 2, start.Seq + 3], [firstPush.Seq, editPush.Seq, deletePush.Seq]);
        Assert.IsType<UpdateEditMessage>(Assert.Single(editPush.Updates));
        Assert.IsType<UpdateDeleteMessages>(Assert.Single(deletePush.Updates));
        Assert.Equal((start.Pts + 2, "known now"), (shortPush.Pts, shortPush.Message));
        var state = (Updates.State)await bob.InvokeAsync(new Updates.GetState(), Ct);
        Assert.Equal((start.Seq + 3, start.Pts + 4), (state.Seq, state.Pts));
    }

    [Fact]
    public async Task Group_CreatedThroughControlApi_EveryMemberGetsFullThenShortChatMessages()
    {
        await using var host = await WorldTestHost.StartAsync(o => o.World.ControlEndpoint = new IPEndPoint(IPAddress.Loopback, 0));
        using var http = new HttpClient { BaseAddress = host.Emulator.ControlAddress };
        var phones = new[] { "9996621101", "9996621102", "9996621103", "9996621104" };
        var members = new List<(MTProtoClient Client, User Me)>();
        foreach (var phone in phones)
        {
            members.Add(await host.LoginAsync(phone));
        }

        var created = await http.PostAsJsonAsync("chats", new { title = "Support team", members = phones }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var chatId = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync("messages", new { from = phones[0], chat = chatId, text = "hello group" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync("messages", new { from = phones[0], chat = chatId, text = "again" }, Ct)).StatusCode);

        var sender = members[0].Me;
        foreach (var (client, me) in members)
        {
            var first = Assert.IsType<UpdatesConstructor>(await client.Updates.ReadAsync(Ct));
            var message = Assert.IsType<Message>(Assert.IsType<UpdateNewMessage>(Assert.Single(first.Updates)).Message);
            Assert.Equal((chatId, "hello group", sender.Id, me.Id == sender.Id), (Assert.IsType<PeerChat>(message.PeerId).ChatId, message.MessageValue, ((PeerUser)message.FromId!).UserId, message.Out));
            Assert.Equal("Support team", Assert.IsType<Chat>(Assert.Single(first.Chats)).Title);
            Assert.NotEqual(0, first.Seq);
            var second = Assert.IsType<UpdateShortChatMessage>(await client.Updates.ReadAsync(Ct));
            Assert.Equal((chatId, sender.Id, "again", me.Id == sender.Id, ((UpdateNewMessage)first.Updates[0]).Pts + 1), (second.ChatId, second.FromId, second.Message, second.Out, second.Pts));
        }
    }

    [Fact]
    public async Task BulkSend_NMessagesFromMUsersAtARate_AllDeliveredInPtsOrder()
    {
        await using var host = await WorldTestHost.StartAsync();
        var (bob, _) = await host.LoginAsync("9996621202");
        var senders = new[] { "9996621211", "9996621212", "9996621213" };
        foreach (var phone in senders)
        {
            host.World.CreateUser(new NewUser(phone, "Sender"));
        }

        var progress = await host.World.BulkSendAsync(new BulkSendRequest(senders, "9996621202", null, 600, RatePerSecond: 3000, Text: "load"), Ct);

        Assert.Equal((600, 600, true, (string?)null), (progress.Requested, progress.Sent, progress.Completed, progress.Error));
        var texts = new HashSet<string>();
        var fromUsers = new HashSet<long>();
        for (var pts = 1; pts <= 600; pts++)
        {
            var (updatePts, text, from) = await bob.Updates.ReadAsync(Ct) switch
            {
                UpdatesConstructor { Updates: [UpdateNewMessage { Message: Message m } u] } => (u.Pts, m.MessageValue, ((PeerUser)m.FromId!).UserId),
                UpdateShortMessage s => (s.Pts, s.Message, s.UserId),
                var other => throw new Xunit.Sdk.XunitException($"unexpected {other}"),
            };
            Assert.Equal(pts, updatePts);
            texts.Add(text);
            fromUsers.Add(from);
        }

        Assert.Equal(Enumerable.Range(0, 600).Select(i => $"load {i}").ToHashSet(), texts);
        Assert.Equal(3, fromUsers.Count);
        Assert.Equal(600, host.World.ReceivedMessages("9996621202").Count);
    }

    [Fact]
    public async Task BulkSend_ToAGroup_EveryMemberGetsEveryMessage()
    {
        await using var host = await WorldTestHost.StartAsync();
        var phones = new[] { "9996621301", "9996621302", "9996621303" };
        var clients = new List<MTProtoClient>();
        foreach (var phone in phones)
        {
            clients.Add((await host.LoginAsync(phone)).Client);
        }

        var chat = host.World.CreateGroup("Load", phones);
        var progress = await host.World.BulkSendAsync(new BulkSendRequest(phones[..2], null, chat.Id, 200, Text: "g"), Ct);

        Assert.Equal(200, progress.Sent);
        foreach (var client in clients)
        {
            var texts = new List<string>();
            for (var i = 0; i < 200; i++)
            {
                texts.Add(await client.Updates.ReadAsync(Ct) switch
                {
                    UpdatesConstructor { Updates: [UpdateNewMessage { Message: Message m }] } => m.MessageValue,
                    UpdateShortChatMessage s when s.ChatId == chat.Id => s.Message,
                    var other => throw new Xunit.Sdk.XunitException($"unexpected {other}"),
                });
            }

            Assert.Equal(Enumerable.Range(0, 200).Select(i => $"g {i}"), texts);
        }
    }

    [Fact]
    public async Task ForceUpdatesTooLong_EveryLiveSessionOfTheUser_OthersNothing()
    {
        await using var host = await WorldTestHost.StartAsync();
        var (phone, _) = await host.LoginAsync("9996621402");
        var (desktop, _) = await host.LoginAsync("9996621402");
        var (other, _) = await host.LoginAsync("9996621403");

        Assert.Equal(2, host.World.ForceUpdatesTooLong("9996621402"));

        Assert.IsType<UpdatesTooLong>(await phone.Updates.ReadAsync(Ct));
        Assert.IsType<UpdatesTooLong>(await desktop.Updates.ReadAsync(Ct));
        await other.InvokeAsync(new Updates.GetState(), Ct); // a round trip: anything pushed before would be queued by now
        Assert.False(other.Updates.TryRead(out _));
    }

    [Fact]
    public async Task ForceDifferenceTooLong_OnlyTheNextDifference()
    {
        await using var host = await WorldTestHost.StartAsync();
        var (bob, _) = await host.LoginAsync("9996621502");
        host.World.CreateUser(new NewUser("9996621501", "Alice"));
        var start = (Updates.State)await bob.InvokeAsync(new Updates.GetState(), Ct);
        host.World.SendMessage("9996621501", "9996621502", "missed");

        host.World.ForceDifferenceTooLong("9996621502");

        var tooLong = Assert.IsType<Updates.DifferenceTooLong>(await bob.InvokeAsync(new Updates.GetDifference { Pts = start.Pts, Date = start.Date, Qts = 0 }, Ct));
        Assert.Equal(start.Pts + 1, tooLong.Pts);
        var difference = Assert.IsType<Updates.Difference>(await bob.InvokeAsync(new Updates.GetDifference { Pts = start.Pts, Date = start.Date, Qts = 0 }, Ct));
        Assert.Equal("missed", Assert.IsType<Message>(Assert.Single(difference.NewMessages)).MessageValue);
    }

    [Fact]
    public async Task Push_ReachesEveryLiveConnectionOfTheUser_NotAClosedOne()
    {
        await using var host = await WorldTestHost.StartAsync();
        host.World.CreateUser(new NewUser("9996621601", "Alice"));
        var live = new List<MTProtoClient>();
        for (var i = 0; i < 3; i++)
        {
            live.Add((await host.LoginAsync("9996621602")).Client);
        }

        var closed = (await host.LoginAsync("9996621602")).Client;
        await closed.DisposeAsync();
        await Eventually(() => host.World.Connections("9996621602").Count == 3);

        host.World.SendMessage("9996621601", "9996621602", "to every device");

        foreach (var client in live)
        {
            var update = Assert.IsType<UpdateNewMessage>(Assert.Single(Assert.IsType<UpdatesConstructor>(await client.Updates.ReadAsync(Ct)).Updates));
            Assert.Equal("to every device", ((Message)update.Message).MessageValue);
        }

        Assert.Equal(3, host.World.Connections("9996621602").Select(c => c.AuthKeyId).Distinct().Count());
    }

    [Fact]
    public async Task IdleClient_NewConnection_SessionLiveWithoutACall_PushesArrive()
    {
        // Pushes go only over the connection that last carried a message of the session: a client that connects with
        // nothing to send must still make its session known there, or it hears nothing until its first keep-alive.
        await using var host = await WorldTestHost.StartAsync();
        host.World.CreateUser(new NewUser("9996621801", "Alice"));
        var (first, _) = await host.LoginAsync("9996621802");
        await Eventually(() => first.Session.GetSalts(host.Emulator.MainDcId).Count > 1);
        var saved = first.Session.Serialize();
        await first.DisposeAsync();
        await Eventually(() => host.World.Connections("9996621802").Count == 0);

        // Restored with future salts and nothing received yet: no call, no salt request and no ack to send.
        var client = host.NewClient(session: MTProtoSessionState.Deserialize(saved));
        await client.ConnectAsync(Ct);
        await Eventually(() => host.World.Connections("9996621802").Count == 1);

        host.World.SendMessage("9996621801", "9996621802", "while idle");
        var update = Assert.IsType<UpdateNewMessage>(Assert.Single(Assert.IsType<UpdatesConstructor>(await client.Updates.ReadAsync(Ct)).Updates));
        Assert.Equal("while idle", ((Message)update.Message).MessageValue);
    }

    [Fact]
    public async Task Reconnects_WithNewSessionIds_ServerSessionsStayBounded()
    {
        await using var host = await WorldTestHost.StartAsync();
        var (first, _) = await host.LoginAsync("9996621702");
        var saved = first.Session;
        await first.DisposeAsync();

        var sessionIds = new HashSet<long>();
        for (var i = 0; i < 40; i++)
        {
            var client = host.NewClient(session: saved);
            await client.InvokeAsync(new Updates.GetState(), Ct);
            sessionIds.UnionWith(host.World.Connections("9996621702").SelectMany(c => c.SessionIds));
            await client.DisposeAsync();
            await Eventually(() => host.World.Connections("9996621702").Count == 0); // only idle sessions are forgotten
        }

        Assert.True(sessionIds.Count > Channel.MTProto.Emulator.Sessions.AuthKeyState.MaxSessions, $"only {sessionIds.Count} session ids were used");
        var key = Assert.Single(host.Emulator.AuthKeys(host.Emulator.MainDcId).All, k => k.AuthorizedUserId == host.World.GetUser("9996621702").Id);
        Assert.InRange(key.Sessions.Count, 1, Channel.MTProto.Emulator.Sessions.AuthKeyState.MaxSessions);
    }

    private static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition was not reached within 30 s");
            await Task.Delay(20, Ct);
        }
    }
}
