using Channel.MTProto.Client;
using Channel.MTProto.Emulator.World;
using Channel.MTProto.Messaging;
using Channel.MTProto.Peers;
using Channel.MTProto.Tl.Api;
using Microsoft.Extensions.Time.Testing;

namespace Channel.MTProto.Tests.UserApi;

/// <summary>Peers, messaging and flood control of TelegramUserClient against the in-process emulator over TCP.</summary>
public sealed class MessagingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SendTextAsync_SameRandomIdTwice_OneMessageSameId()
    {
        await using var host = await UserApiHost.StartAsync();
        var bob = host.World.CreateUser(new NewUser("15550202001", "Bob", Username: "bob_support"));
        var (client, _) = await host.LoginAsync("9996622001");
        var peer = (await client.ResolveUsernameAsync("@Bob_Support", Ct))!;

        var first = await client.SendTextAsync(peer.Id, "hello once", randomId: 4242, cancellationToken: Ct);
        var second = await client.SendTextAsync(peer.Id, "hello once", randomId: 4242, cancellationToken: Ct);

        Assert.Equal(PeerId.User(bob.Id), peer.Id);
        Assert.Equal(first.Key, second.Key);
        Assert.Equal("hello once", Assert.Single(host.World.ReceivedMessages("15550202001")).Text);
    }

    [Fact]
    public async Task SendTextAsync_ReplyTo_ReplyReachesTheRecipient()
    {
        await using var host = await UserApiHost.StartAsync();
        host.World.CreateUser(new NewUser("15550202002", "Cleo"));
        var (client, _) = await host.LoginAsync("9996622002");
        var peer = (await client.ResolvePhoneAsync("+1 555 020 2002", Ct))!;

        var question = await client.SendTextAsync(peer.Id, "question", randomId: 1, cancellationToken: Ct);
        var answer = await client.SendTextAsync(peer.Id, "answer", randomId: 2, replyToMessageId: question.MessageId, cancellationToken: Ct);

        Assert.True(answer.MessageId > question.MessageId);
        Assert.Equal(["question", "answer"], host.World.ReceivedMessages("15550202002").Select(m => m.Text));
    }

    [Fact]
    public async Task SendTextAsync_LongerThanMessageLengthMax_TypedErrorAndNothingSent()
    {
        await using var host = await UserApiHost.StartAsync();
        host.World.CreateUser(new NewUser("15550202003", "Dana"));
        var (client, _) = await host.LoginAsync("9996622003");
        var peer = (await client.ResolvePhoneAsync("15550202003", Ct))!;
        var max = (await client.GetConfigAsync(Ct)).MessageLengthMax;

        var error = await Assert.ThrowsAsync<MessageTooLongException>(() => client.SendTextAsync(peer.Id, new string('x', max + 1), randomId: 3, cancellationToken: Ct));

        Assert.Equal(max, error.MaxLength);
        Assert.Equal(max + 1, error.Length);
        Assert.Empty(host.World.ReceivedMessages("15550202003"));
        await client.SendTextAsync(peer.Id, new string('x', max), randomId: 4, cancellationToken: Ct);
        Assert.Single(host.World.ReceivedMessages("15550202003"));
    }

    [Fact]
    public async Task SendTextAsync_FloodWaitInjected_FloodWaitExceptionWithTheWait()
    {
        await using var host = await UserApiHost.StartAsync();
        host.World.CreateUser(new NewUser("15550202004", "Eli"));
        var (client, _) = await host.LoginAsync("9996622004", floodWait: new FloodWaitPolicy { Threshold = TimeSpan.FromSeconds(10) });
        var peer = (await client.ResolvePhoneAsync("15550202004", Ct))!;
        host.World.InjectFlood("messages.sendMessage", seconds: 30, count: 1);

        var error = await Assert.ThrowsAsync<FloodWaitException>(() => client.SendTextAsync(peer.Id, "hi", randomId: 5, cancellationToken: Ct));

        Assert.Equal(TimeSpan.FromSeconds(30), error.Wait);
        Assert.Equal("FLOOD_WAIT", error.ErrorName);
        Assert.Empty(host.World.ReceivedMessages("15550202004"));
    }

    [Fact]
    public async Task SendTextAsync_FloodWaitBelowThreshold_PolicySleepsThenSends()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await UserApiHost.StartAsync();
        host.World.CreateUser(new NewUser("15550202005", "Fay"));
        var (client, _) = await host.LoginAsync("9996622005", floodWait: new FloodWaitPolicy { Threshold = TimeSpan.FromSeconds(10) }, time: time);
        var peer = (await client.ResolvePhoneAsync("15550202005", Ct))!;
        host.World.InjectFlood("messages.sendMessage", seconds: 5, count: 1);

        var send = client.SendTextAsync(peer.Id, "after the wait", randomId: 6, cancellationToken: Ct);
        var slept = TimeSpan.Zero;
        while (!send.IsCompleted)
        {
            // The policy sleeps on the client's TimeProvider: move it on until the retry has gone through.
            time.Advance(TimeSpan.FromSeconds(1));
            slept += TimeSpan.FromSeconds(1);
            await Task.WhenAny(send, Task.Delay(20, Ct));
        }

        await send;
        Assert.True(slept >= TimeSpan.FromSeconds(5), $"completed after {slept} of fake time");
        Assert.Equal("after the wait", Assert.Single(host.World.ReceivedMessages("15550202005")).Text);
    }

    [Fact]
    public async Task SendTextAsync_FloodWaitAboveThreshold_RaisedWithoutSleeping()
    {
        await using var host = await UserApiHost.StartAsync();
        host.World.CreateUser(new NewUser("15550202006", "Gil"));
        var (client, _) = await host.LoginAsync("9996622006", floodWait: new FloodWaitPolicy { Threshold = TimeSpan.FromSeconds(1), MaxRetries = 3 });
        var peer = (await client.ResolvePhoneAsync("15550202006", Ct))!;
        host.World.InjectFlood("messages.sendMessage", seconds: 2, count: 1);

        var error = await Assert.ThrowsAsync<FloodWaitException>(() => client.SendTextAsync(peer.Id, "x", randomId: 7, cancellationToken: Ct));

        Assert.Equal(TimeSpan.FromSeconds(2), error.Wait);
    }

    [Fact]
    public async Task SendTextAsync_UnknownPeer_PeerNotCachedBeforeAnyCall()
    {
        await using var host = await UserApiHost.StartAsync();
        var (client, _) = await host.LoginAsync("9996622007");

        var error = await Assert.ThrowsAsync<PeerNotCachedException>(() => client.SendTextAsync(PeerId.User(123456), "x", randomId: 8, cancellationToken: Ct));

        Assert.Equal(PeerId.User(123456), error.Peer);
    }

    [Fact]
    public async Task ResolveUsernameAsync_UnknownName_Null()
    {
        await using var host = await UserApiHost.StartAsync();
        var (client, _) = await host.LoginAsync("9996622008");

        Assert.Null(await client.ResolveUsernameAsync("nobody_here_at_all", Ct));
        Assert.Null(await client.ResolvePhoneAsync("15559999999", Ct));
    }

    [Fact]
    public async Task PeerCache_AfterResolve_PersistedInSessionAndUsableAfterRestart()
    {
        await using var host = await UserApiHost.StartAsync();
        var hana = host.World.CreateUser(new NewUser("15550202009", "Hana", Username: "hana_h"));
        var (client, _) = await host.LoginAsync("9996622009");
        await client.ResolveUsernameAsync("hana_h", Ct);
        var saved = client.Session.Serialize();
        await client.DisposeAsync();

        var restarted = host.NewClient(MTProtoSessionState.Deserialize(saved));
        Assert.True(restarted.Peers.TryResolveUsername("@HANA_H", out var cached));
        Assert.True(restarted.Peers.TryResolvePhone("+1 555 020 2009", out _));
        await restarted.SendTextAsync(cached.Id, "from the restarted process", randomId: 9, cancellationToken: Ct);

        Assert.Equal(hana.AccessHash, cached.AccessHash);
        Assert.Single(host.World.ReceivedMessages("15550202009"));
    }

    [Fact]
    public async Task MarkReadAsync_IncomingMessage_SenderSeesOutboxRead()
    {
        await using var host = await UserApiHost.StartAsync();
        var ivan = host.World.CreateUser(new NewUser("15550202010", "Ivan"));
        var (client, me) = await host.LoginAsync("9996622010");
        var (ivanClient, _) = await host.LoginAsync("15550202010");
        var received = host.World.SendMessage("15550202010", "9996622010", "please read").Received!;
        var pushed = await client.Client.Updates.ReadAsync(Ct);
        client.Peers.ApplyFrom(pushed);

        await client.MarkReadAsync(PeerId.User(ivan.Id), received.Id, Ct);

        // Ivan's client is told his message was read: the pushed update maps to OutboxRead.
        InboundEvent? read = null;
        while (read is not OutboxRead)
        {
            var box = Assert.IsType<UpdatesConstructor>(await ivanClient.Client.Updates.ReadAsync(Ct));
            foreach (var update in box.Updates)
            {
                if (InboundEventMapper.TryMap(update, box.Users, box.Chats, out var evt))
                {
                    read = evt;
                }
            }
        }

        Assert.Equal(PeerId.User(me.Id), ((OutboxRead)read).Chat);
    }

    [Fact]
    public async Task InboundEventMapper_PushedMessage_NewPrivateMessageWithSender()
    {
        await using var host = await UserApiHost.StartAsync();
        var jo = host.World.CreateUser(new NewUser("15550202011", "Jo", "Smith", Username: "jo_smith"));
        var (client, _) = await host.LoginAsync("9996622011");

        host.World.SendMessage("@jo_smith", "9996622011", "hello there");
        var box = Assert.IsType<UpdatesConstructor>(await client.Client.Updates.ReadAsync(Ct));
        Assert.True(InboundEventMapper.TryMap(box.Updates[0], box.Users, box.Chats, out var evt));

        var message = Assert.IsType<NewMessage>(evt).Message;
        Assert.Equal(PeerId.User(jo.Id), message.Chat);
        Assert.Equal(PeerId.User(jo.Id), message.Sender);
        Assert.Equal(ChatKind.Private, message.ChatKind);
        Assert.False(message.Outgoing);
        Assert.Equal("hello there", message.Text);
        Assert.Equal("Jo Smith", message.SenderName);
        Assert.Equal("jo_smith", message.SenderUsername);
        Assert.Null(message.Media);
    }

    [Fact]
    public async Task SendTextAsync_SlowModeInjected_FloodWaitExceptionMarkedSlowMode()
    {
        await using var host = await UserApiHost.StartAsync();
        host.World.CreateUser(new NewUser("15550202012", "Kai"));
        var (client, _) = await host.LoginAsync("9996622012");
        var peer = (await client.ResolvePhoneAsync("15550202012", Ct))!;
        host.World.InjectError("messages.sendMessage", 420, "SLOWMODE_WAIT_10", count: 1);

        var error = await Assert.ThrowsAsync<FloodWaitException>(() => client.SendTextAsync(peer.Id, "x", randomId: 12, cancellationToken: Ct));

        Assert.True(error.IsSlowMode);
        Assert.Equal(TimeSpan.FromSeconds(10), error.Wait);
    }
}
