using System.Threading.Channels;
using Channel.MTProto.Client;
using Channel.MTProto.Emulator.World;
using Channel.MTProto.Login;
using Channel.MTProto.Tests.UserApi;
using Channel.MTProto.Tl.Api;
using Channel.MTProto.UpdateHandling;

namespace Channel.MTProto.Tests.UpdateHandling;

/// <summary>
/// The updates engine end to end: our client logged in to the in-process emulator over TCP, messages sent by other
/// users through the world API, delivery checked in the host's handler.
/// </summary>
public sealed class UpdatesEmulatorTests : IAsyncLifetime
{
    private const string MePhone = "9996621001";
    private static readonly string[] SenderPhones = ["15550000001", "15550000002", "15550000003", "15550000004"];

    private static readonly UpdatesEngineOptions FastRetries = new()
    {
        GapTimeout = TimeSpan.FromMilliseconds(200),
        HandlerRetryDelay = TimeSpan.FromMilliseconds(20),
        HandlerRetryMaxDelay = TimeSpan.FromMilliseconds(100),
    };

    private UserApiHost _host = null!;

    private global::Channel.MTProto.Emulator.World.EmulatorWorld World => _host.World;

    public async ValueTask InitializeAsync()
    {
        _host = await UserApiHost.StartAsync();
        for (var i = 0; i < SenderPhones.Length; i++)
        {
            World.CreateUser(new NewUser(SenderPhones[i], $"Sender {i}"));
        }
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task Receive_1000MessagesFromSeveralUsersWhileConnected_AllInOrderNoneDuplicated()
    {
        var client = await LoginAsync(new MTProtoSessionState(_host.Emulator.MainDcId));
        var inbox = new BatchRecorder();
        await client.StartUpdatesAsync(inbox.HandleAsync, FastRetries, TestContext.Current.CancellationToken);

        var sent = SendFromSenders(1000, "live");
        await inbox.WaitForMessagesAsync(1000);
        await BatchRecorder.WaitUntilAsync(() => client.CommittedUpdateState?.Pts == World.GetUpdateState(MePhone).Pts);

        AssertExactly(sent, inbox);
    }

    [Fact]
    public async Task Receive_500WhileOffline_CaughtUpByGetDifferenceAfterRestart()
    {
        var session = new MTProtoSessionState(_host.Emulator.MainDcId);
        var client = await LoginAsync(session);
        var inbox = new BatchRecorder();
        await client.StartUpdatesAsync(inbox.HandleAsync, FastRetries, TestContext.Current.CancellationToken);
        var before = SendFromSenders(20, "online");
        await inbox.WaitForMessagesAsync(20);
        await BatchRecorder.WaitUntilAsync(() => client.CommittedUpdateState?.Pts == World.GetUpdateState(MePhone).Pts);
        var saved = session.Serialize();
        await client.DisposeAsync();

        var offline = SendFromSenders(500, "offline");

        var restarted = NewUserClient(MTProtoSessionState.Deserialize(saved));
        await restarted.StartUpdatesAsync(inbox.SavedState, inbox, FastRetries, null, TestContext.Current.CancellationToken);
        var after = SendFromSenders(10, "back");
        await inbox.WaitForMessagesAsync(530);
        await BatchRecorder.WaitUntilAsync(() => restarted.CommittedUpdateState?.Pts == World.GetUpdateState(MePhone).Pts);

        AssertExactly([.. before, .. offline, .. after], inbox);
        Assert.Contains(inbox.Batches, b => b.Source == UpdateBatchSource.Difference && b.Events.Count > 0);
    }

    [Fact]
    public async Task Receive_ConnectionsDroppedMidStream_NothingLost()
    {
        var client = await LoginAsync(new MTProtoSessionState(_host.Emulator.MainDcId));
        var inbox = new BatchRecorder();
        await client.StartUpdatesAsync(inbox.HandleAsync, FastRetries, TestContext.Current.CancellationToken);

        var first = SendFromSenders(50, "first");
        _host.Emulator.Faults.DropConnections();
        var second = SendFromSenders(50, "second");
        await inbox.WaitForMessagesAsync(100);

        AssertExactly([.. first, .. second], inbox);
    }

    [Fact]
    public async Task Handler_ThrowsOnce_BatchRedeliveredNothingLost()
    {
        var client = await LoginAsync(new MTProtoSessionState(_host.Emulator.MainDcId));
        var inbox = new BatchRecorder { FailuresLeft = 1 };
        await client.StartUpdatesAsync(inbox.HandleAsync, FastRetries, TestContext.Current.CancellationToken);

        var sent = SendFromSenders(30, "retry");
        await inbox.WaitForMessagesAsync(30);

        AssertExactly(sent, inbox);
        Assert.Equal(1, inbox.Failures);
        Assert.Contains(inbox.Batches, b => b.Attempt == 2);
    }

    [Fact]
    public async Task Receive_PushLostInTransit_GapFilledByGetDifference()
    {
        var session = new MTProtoSessionState(_host.Emulator.MainDcId);
        var client = await LoginAsync(session);
        var inbox = new BatchRecorder();

        // The engine reads pushes through a filter that loses the 5th one, as a flaky network would.
        var pushes = new UpdateQueue();
        _ = ForwardDroppingAsync(client.Client.Updates, pushes, dropIndex: 4, TestContext.Current.CancellationToken);
        await using var engine = new UpdatesEngine(client, null, new PeerCacheUpdatePeers(client.Peers), inbox, () => session.UserId, FastRetries, pushes);
        await engine.StartAsync(TestContext.Current.CancellationToken);

        var sent = SendFromSenders(10, "gap");
        await inbox.WaitForMessagesAsync(10);

        AssertExactly(sent, inbox);
        Assert.Contains(inbox.Batches, b => b.Source == UpdateBatchSource.Difference && b.Events.Count > 0);
    }

    private static async Task ForwardDroppingAsync(ChannelReader<UpdatesBase> from, UpdateQueue to, int dropIndex, CancellationToken cancellationToken)
    {
        var index = 0;
        await foreach (var updates in from.ReadAllAsync(cancellationToken))
        {
            if (index++ != dropIndex)
            {
                to.TryWrite(updates);
            }
        }
    }

    private List<string> SendFromSenders(int count, string prefix)
    {
        var texts = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var text = $"{prefix} {i}";
            World.SendMessage(SenderPhones[i % SenderPhones.Length], MePhone, text);
            texts.Add(text);
        }

        return texts;
    }

    /// <summary>Every text exactly once, in the order sent (one recipient: one pts sequence), each message id once.</summary>
    private static void AssertExactly(IReadOnlyList<string> sent, BatchRecorder inbox)
    {
        var received = inbox.Messages;
        Assert.Equal(sent, received.Select(m => m.Text));
        Assert.Equal(received.Count, received.Select(m => m.Key).Distinct().Count());
        Assert.All(received, m => Assert.False(m.Outgoing));
    }

    private async Task<TelegramUserClient> LoginAsync(MTProtoSessionState session)
    {
        var client = NewUserClient(session);
        await client.SendCodeAsync(MePhone, TestContext.Current.CancellationToken);
        var result = await client.SignInAsync(World.LastCode(MePhone)!, TestContext.Current.CancellationToken);
        Assert.IsType<SignedIn>(result);
        return client;
    }

    private TelegramUserClient NewUserClient(MTProtoSessionState session) => _host.NewClient(session);
}
