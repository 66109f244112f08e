using Channel.MTProto.Client;
using Channel.MTProto.Messaging;
using Channel.MTProto.Tl.Api;
using Channel.MTProto.UpdateHandling;

namespace Channel.MTProto.Tests.UpdateHandling;

/// <summary>The engine against <see cref="ScriptedUpdatesServer"/>: ordering, acknowledgement, holes, restarts.</summary>
public sealed class UpdatesEngineTests
{
    private static readonly UpdatesEngineOptions FastOptions = new()
    {
        GapTimeout = TimeSpan.FromMilliseconds(50),
        HandlerRetryDelay = TimeSpan.FromMilliseconds(10),
        HandlerRetryMaxDelay = TimeSpan.FromMilliseconds(50),
        RpcRetryDelay = TimeSpan.FromMilliseconds(10),
        RpcRetryMaxDelay = TimeSpan.FromMilliseconds(50),
        MaxHandlerAttempts = null,
    };

    private readonly ScriptedUpdatesServer _server = new();
    private readonly TestPeers _peers = new();
    private readonly MTProtoSessionState _session = new() { UserId = 1 };
    private readonly BatchRecorder _handler = new();

    public UpdatesEngineTests()
    {
        _peers.AddUser(42);
        _peers.AddUser(43);
        _server.AddUser(42);
        _server.AddUser(43);
        _server.AddUser(44);
    }

    [Fact]
    public async Task StartAsync_NoSavedState_TakesServerStateAndPersistsIt()
    {
        await using var engine = NewEngine();

        await engine.StartAsync(TestContext.Current.CancellationToken);
        await BatchRecorder.WaitUntilAsync(() => _handler.SavedState is not null);

        // The first batch carries only the server's state, for the host to persist; the session blob is untouched.
        var saved = _handler.SavedState!;
        Assert.Empty(Assert.Single(_handler.Batches).Events);
        Assert.Null(_session.UpdateState);
        Assert.Equal(_server.Pts, saved.Pts);
        Assert.Equal(_server.Seq, saved.Seq);
        Assert.Equal(1, _server.GetStateCalls);
        Assert.Equal(0, _server.GetDifferenceCalls);
    }

    [Fact]
    public async Task LiveUpdates_ManyFromSeveralUsers_DeliveredInOrderOnceAndCommitted()
    {
        await using var engine = NewEngine();
        await engine.StartAsync(TestContext.Current.CancellationToken);

        for (var i = 0; i < 300; i++)
        {
            _server.SendPrivate(42 + (i % 2), $"m{i}");
        }

        await _handler.WaitForMessagesAsync(300);
        await BatchRecorder.WaitUntilAsync(() => engine.CommittedState?.Pts == _server.Pts);

        Assert.Equal(Enumerable.Range(0, 300).Select(i => $"m{i}"), _handler.Texts);
        Assert.Equal(_server.Pts, _handler.SavedState!.Pts);
        Assert.Null(_session.UpdateState);
    }

    [Fact]
    public async Task LiveUpdates_HostBusy_QueuedBatchesDeliveredAsOneInOrder()
    {
        var busy = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _handler.Busy = busy.Task;
        await using var engine = NewEngine();
        await engine.StartAsync(TestContext.Current.CancellationToken);

        _server.SendPrivate(42, "first");
        await BatchRecorder.WaitUntilAsync(() => _handler.BusyWaits == 1);
        // Each push becomes a batch of its own: the next is sent once the engine has queued the previous one.
        for (var i = 0; i < 30; i++)
        {
            _server.SendPrivate(42 + (i % 2), $"m{i}");
            await BatchRecorder.WaitUntilAsync(() => engine.QueuedState?.Pts == _server.Pts);
        }

        busy.SetResult();
        await _handler.WaitForMessagesAsync(31);
        await BatchRecorder.WaitUntilAsync(() => engine.CommittedState?.Pts == _server.Pts);

        Assert.Equal(["first", .. Enumerable.Range(0, 30).Select(i => $"m{i}")], _handler.Texts);
        var withEvents = _handler.Batches.Where(b => b.Events.Count > 0).ToList();

        // "first" alone, then the 30 batches that queued behind it as one delivery with the last one's state.
        Assert.Equal(2, withEvents.Count);
        Assert.Equal(["first"], withEvents[0].Events.OfType<NewMessage>().Select(e => e.Message.Text));
        Assert.Equal(30, withEvents[1].Events.Count);
        Assert.Equal(_server.Pts, withEvents[1].State.Pts);
    }

    [Fact]
    public async Task Handler_ThrowsOnce_BatchRedeliveredAndNothingLost()
    {
        _handler.FailuresLeft = 1;
        await using var engine = NewEngine();
        await engine.StartAsync(TestContext.Current.CancellationToken);
        var startPts = _server.Pts;

        _server.SendPrivate(42, "first");
        await _handler.WaitForMessagesAsync(1);
        _server.SendPrivate(42, "second");
        await _handler.WaitForMessagesAsync(2);
        await BatchRecorder.WaitUntilAsync(() => engine.CommittedState?.Pts == startPts + 2);

        Assert.Equal(["first", "second"], _handler.Texts);
        Assert.Contains(_handler.Batches, b => b.Attempt == 2);
    }

    [Fact]
    public async Task Handler_Failing_StateNotCommittedUntilItSucceeds()
    {
        _handler.FailuresLeft = int.MaxValue;
        await using var engine = NewEngine();
        await engine.StartAsync(TestContext.Current.CancellationToken);
        await BatchRecorder.WaitUntilAsync(() => engine.CommittedState is not null);
        var before = engine.CommittedState!.Pts;

        _server.SendPrivate(42, "held");
        await BatchRecorder.WaitUntilAsync(() => _handler.Failures >= 3);

        Assert.Equal(before, engine.CommittedState!.Pts);
        Assert.Equal(before, _handler.SavedState!.Pts);
        _handler.FailuresLeft = 0;
        await _handler.WaitForMessagesAsync(1);
        await BatchRecorder.WaitUntilAsync(() => engine.CommittedState!.Pts == before + 1);
    }

    [Fact]
    public async Task WithheldPush_GapFilledByGetDifference()
    {
        await using var engine = NewEngine();
        await engine.StartAsync(TestContext.Current.CancellationToken);

        _server.SendPrivate(42, "a");
        _server.SendPrivate(42, "b", push: false);
        _server.SendPrivate(43, "c");
        await _handler.WaitForMessagesAsync(3);
        await BatchRecorder.WaitUntilAsync(() => engine.CommittedState?.Pts == _server.Pts);

        Assert.Equal(["a", "b", "c"], _handler.Texts);
        Assert.True(_server.GetDifferenceCalls >= 1);
    }

    [Fact]
    public async Task ShortMessageFromUnknownUser_FetchedThroughDifference()
    {
        await using var engine = NewEngine();
        await engine.StartAsync(TestContext.Current.CancellationToken);

        _server.SendPrivate(44, "stranger");
        await _handler.WaitForMessagesAsync(1);

        Assert.Equal(["stranger"], _handler.Texts);
        Assert.True(_peers.HasUser(44));
        Assert.Contains(_handler.Batches, b => b.Source == UpdateBatchSource.Difference && b.Users.OfType<User>().Any(u => u.Id == 44));
    }

    [Fact]
    public async Task Restart_FromSavedState_CatchesUpThroughSlicesBeforeLiveUpdates()
    {
        await using (var first = NewEngine())
        {
            await first.StartAsync(TestContext.Current.CancellationToken);
            _server.SendPrivate(42, "before");
            await _handler.WaitForMessagesAsync(1);
            await BatchRecorder.WaitUntilAsync(() => first.CommittedState?.Pts == _server.Pts);
        }

        // Offline: 250 messages the old engine never saw (pushes of a dead connection are lost).
        _server.SliceSize = 100;
        for (var i = 0; i < 250; i++)
        {
            _server.SendPrivate(42 + (i % 3), $"offline {i}", push: false);
        }

        var saved = UpdateState.Deserialize(_handler.SavedState!.Serialize());
        var handler = new BatchRecorder();
        await using var second = NewEngine(saved, handler);
        await second.StartAsync(TestContext.Current.CancellationToken);
        _server.SendPrivate(43, "live");
        await handler.WaitForMessagesAsync(251);
        await BatchRecorder.WaitUntilAsync(() => second.CommittedState?.Pts == _server.Pts);

        Assert.Equal([.. Enumerable.Range(0, 250).Select(i => $"offline {i}"), "live"], handler.Texts);
        Assert.True(_server.GetDifferenceCalls >= 3);
        Assert.Equal(_server.Pts, handler.SavedState!.Pts);
        Assert.Equal(_server.Pts, second.CommittedState!.Pts);
    }

    [Fact]
    public async Task Restart_FromSavedStateWithNothingNew_HandsTheHostTheStartingState()
    {
        // A state the host did not store itself (an old session blob's) must reach its table on the first start:
        // with nothing new (differenceEmpty at the same date and seq), the start still hands it over once.
        var saved = new UpdateState(_server.Pts, 0, _server.Date, _server.Seq);
        await using var engine = NewEngine(saved);

        await engine.StartAsync(TestContext.Current.CancellationToken);
        await BatchRecorder.WaitUntilAsync(() => _handler.SavedState is not null);

        Assert.Empty(Assert.Single(_handler.Batches).Events);
        Assert.Equal((saved.Pts, saved.Date, saved.Seq), (_handler.SavedState!.Pts, _handler.SavedState.Date, _handler.SavedState.Seq));
        Assert.Equal(1, _server.GetDifferenceCalls);
    }

    [Fact]
    public async Task DifferenceTooLong_NoMessageDeliveredYet_ReportsHistoryGapAndTakesServerPts()
    {
        await using var engine = NewEngine();
        await engine.StartAsync(TestContext.Current.CancellationToken);
        _server.SendPrivate(42, "lost", push: false);
        _server.TooLongOnce = true;

        engine.RequestResync("test");
        await BatchRecorder.WaitUntilAsync(() => _handler.Batches.Any(b => b.HistoryGaps.Count > 0));
        await BatchRecorder.WaitUntilAsync(() => engine.CommittedState?.Pts == _server.Pts);

        Assert.Equal(new UpdateHistoryGap(null), Assert.Single(_handler.Batches.SelectMany(b => b.HistoryGaps)));
    }

    [Fact]
    public async Task RequestResync_SessionReset_FetchesDifference()
    {
        await using var engine = NewEngine();
        await engine.StartAsync(TestContext.Current.CancellationToken);
        _server.SendPrivate(42, "missed", push: false);

        engine.RequestResync("new_session_created");
        await _handler.WaitForMessagesAsync(1);

        Assert.Equal(["missed"], _handler.Texts);
    }

    [Fact]
    public async Task TransientRpcFailure_Retried()
    {
        _server.FailNextCall = new TimeoutException("test");
        await using var engine = NewEngine();

        await engine.StartAsync(TestContext.Current.CancellationToken);
        await BatchRecorder.WaitUntilAsync(() => engine.CommittedState is not null);

        Assert.Equal(1, _server.GetStateCalls);
    }

    [Fact]
    public async Task ChannelGap_FilledByGetChannelDifference()
    {
        _peers.AddChannel(5, 555);
        await using var engine = NewEngine();
        await engine.StartAsync(TestContext.Current.CancellationToken);

        _server.PostToChannel(5, "c1");
        _server.PostToChannel(5, "c2", push: false);
        _server.PostToChannel(5, "c3", push: false);
        _server.PostToChannel(5, "c4");
        await _handler.WaitForMessagesAsync(4);

        Assert.Equal(["c1", "c2", "c3", "c4"], _handler.Texts);
        Assert.True(_server.GetChannelDifferenceCalls >= 1);
        await BatchRecorder.WaitUntilAsync(() => engine.CommittedState?.GetChannelPts(5) == 4);
    }

    [Fact]
    public async Task OwnSentMessage_ObservedWithoutGap()
    {
        await using var engine = NewEngine();
        await engine.StartAsync(TestContext.Current.CancellationToken);
        var sent = _server.SendPrivate(42, "mine", push: false);

        engine.ObserveSentMessage(new UpdateShortSentMessage { Out = true, Id = sent.Id, Pts = sent.Pts, PtsCount = 1, Date = sent.Date }, new PeerUser { UserId = 42 }, "mine");
        _server.SendPrivate(42, "reply");
        await _handler.WaitForMessagesAsync(2);

        Assert.Equal(["mine", "reply"], _handler.Texts);
        Assert.Equal(0, _server.GetDifferenceCalls);
    }

    private UpdatesEngine NewEngine(UpdateState? saved = null, BatchRecorder? handler = null, UpdatesEngineOptions? options = null) =>
        new(_server, saved, _peers, handler ?? _handler, () => _session.UserId, options ?? FastOptions, _server.Pushes);
}
