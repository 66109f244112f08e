using Channel.MTProto.Client;
using Channel.MTProto.Tl.Api;
using Channel.MTProto.UpdateHandling;

namespace Channel.MTProto.Tests.UpdateHandling;

/// <summary>The engine follows channels on its own: it polls each with getChannelDifference when the server's timeout passes.</summary>
public sealed class ChannelPollingTests
{
    private static readonly UpdatesEngineOptions FastOptions = new()
    {
        GapTimeout = TimeSpan.FromMilliseconds(50),
        HandlerRetryDelay = TimeSpan.FromMilliseconds(10),
        HandlerRetryMaxDelay = TimeSpan.FromMilliseconds(50),
        RpcRetryDelay = TimeSpan.FromMilliseconds(10),
        RpcRetryMaxDelay = TimeSpan.FromMilliseconds(50),
    };

    private readonly ScriptedUpdatesServer _server = new() { ChannelTimeout = 1 };
    private readonly TestPeers _peers = new();
    private readonly MTProtoSessionState _session = new() { UserId = 1 };
    private readonly BatchRecorder _handler = new();

    [Fact]
    public async Task FollowedChannel_PostNeverPushed_FetchedWhenTheTimeoutPasses()
    {
        _peers.AddChannel(5, 555);
        await using var engine = new UpdatesEngine(_server, null, _peers, _handler, () => _session.UserId, FastOptions, _server.Pushes);
        await engine.StartAsync(TestContext.Current.CancellationToken);
        _server.PostToChannel(5, "pushed");
        await _handler.WaitForMessagesAsync(1);
        var callsBefore = _server.GetChannelDifferenceCalls;

        // Telegram may simply not push a channel's updates: the poll after `timeout` (1 s here) brings them.
        _server.PostToChannel(5, "never pushed", push: false);
        await _handler.WaitForMessagesAsync(2);

        Assert.Equal(["pushed", "never pushed"], _handler.Texts);
        Assert.True(_server.GetChannelDifferenceCalls > callsBefore);
        Assert.Contains(_handler.Batches, b => b.Source == UpdateBatchSource.ChannelDifference && b.Events.Count == 1);
    }

    [Fact]
    public async Task UnknownChannel_FirstPostSeedsIt_NextOneWithAHoleFilled()
    {
        _peers.AddChannel(6, 666);
        await using var engine = new UpdatesEngine(_server, null, _peers, _handler, () => _session.UserId, FastOptions, _server.Pushes);
        await engine.StartAsync(TestContext.Current.CancellationToken);

        _server.PostToChannel(6, "first seen");
        _server.PostToChannel(6, "skipped", push: false);
        _server.PostToChannel(6, "third");
        await _handler.WaitForMessagesAsync(3);

        Assert.Equal(["first seen", "skipped", "third"], _handler.Texts);
        await BatchRecorder.WaitUntilAsync(() => engine.CommittedState?.GetChannelPts(6) == 3 && engine.CommittedState.GetChannelMaxMessageId(6) == 3);
    }
}
