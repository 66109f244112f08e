using Channel.MTProto.Accounts;
using Channel.MTProto.Client;
using Channel.MTProto.UpdateHandling;

namespace Channel.MTProto.Tests.UpdateHandling;

/// <summary>
/// The engine's recovery paths against <see cref="ScriptedUpdatesServer"/>: a flooded push queue, a poison batch,
/// transient server errors, and differenceTooLong recovered from the dialogs' history.
/// </summary>
public sealed class UpdatesEngineRecoveryTests
{
    private readonly TestPeers _peers = new();
    private readonly BatchRecorder _handler = new();

    public UpdatesEngineRecoveryTests()
    {
        _peers.AddUser(42);
        _peers.AddUser(43);
    }

    private static UpdatesEngineOptions Options(int? maxHandlerAttempts = null, int maxQueuedBatches = 1_000) => new()
    {
        GapTimeout = TimeSpan.FromMilliseconds(50),
        HandlerRetryDelay = TimeSpan.FromMilliseconds(5),
        HandlerRetryMaxDelay = TimeSpan.FromMilliseconds(20),
        RpcRetryDelay = TimeSpan.FromMilliseconds(5),
        RpcRetryMaxDelay = TimeSpan.FromMilliseconds(20),
        MaxHandlerAttempts = maxHandlerAttempts,
        MaxQueuedBatches = maxQueuedBatches,
    };

    [Fact]
    public async Task PushQueueFlooded_WhileHandlerIsSlow_DroppedPushesRecoveredByGetDifference()
    {
        var server = NewServer(pushCapacity: 5);
        var gate = new GatedHandler(_handler);
        await using var engine = NewEngine(server, gate, Options(maxQueuedBatches: 1));
        await engine.StartAsync(TestContext.Current.CancellationToken);

        // The handler holds the first batch: the engine's own queues fill, then the 5-slot push queue overflows.
        for (var i = 0; i < 1_500; i++)
        {
            server.SendPrivate(42 + (i % 2), $"m{i}");
        }

        Assert.True(server.Pushes.Dropped > 0);
        gate.Open();
        await _handler.WaitForMessagesAsync(1_500);
        await BatchRecorder.WaitUntilAsync(() => _handler.SavedState?.Pts == server.Pts);

        Assert.Equal(Enumerable.Range(0, 1_500).Select(i => $"m{i}"), _handler.Texts);
        Assert.True(server.GetDifferenceCalls >= 1);
    }

    [Fact]
    public async Task Handler_FailsMaxAttempts_BatchParkedThenEngineMovesOn()
    {
        var server = NewServer();
        await using var engine = NewEngine(server, _handler, Options(maxHandlerAttempts: 3));
        await engine.StartAsync(TestContext.Current.CancellationToken);
        await BatchRecorder.WaitUntilAsync(() => _handler.SavedState is not null);
        _handler.FailuresLeft = 3;

        server.SendPrivate(42, "poison");
        await BatchRecorder.WaitUntilAsync(() => _handler.Parked.Count == 1);
        server.SendPrivate(42, "next");
        await _handler.WaitForMessagesAsync(1);
        await BatchRecorder.WaitUntilAsync(() => _handler.SavedState?.Pts == server.Pts);

        Assert.Equal(3, _handler.Failures);
        var parked = Assert.Single(_handler.Parked);
        Assert.Equal(3, parked.Attempt);
        Assert.Equal("poison", Assert.IsType<Messaging.NewMessage>(Assert.Single(parked.Events)).Message.Text);
        Assert.Equal(["next"], _handler.Texts);
    }

    [Fact]
    public async Task Handler_AndParkingFail_KeepsTryingUntilOneSucceeds_NothingSkipped()
    {
        var server = NewServer();
        await using var engine = NewEngine(server, _handler, Options(maxHandlerAttempts: 2));
        await engine.StartAsync(TestContext.Current.CancellationToken);
        await BatchRecorder.WaitUntilAsync(() => _handler.SavedState is not null);
        _handler.FailuresLeft = 10;
        _handler.ParkFailuresLeft = 3;

        server.SendPrivate(42, "stuck");
        server.SendPrivate(42, "behind");
        await BatchRecorder.WaitUntilAsync(() => Texts().Count >= 2);
        await BatchRecorder.WaitUntilAsync(() => _handler.SavedState?.Pts == server.Pts);

        // Past the limit each round tries handle, then park: three failed parks, then a park holds.
        Assert.Equal(3, _handler.ParkFailures);
        Assert.Single(_handler.Parked);
        Assert.Equal(["stuck", "behind"], Texts());

        List<string> Texts() => [.. _handler.Parked.Concat(_handler.Batches).OrderBy(b => b.Number).SelectMany(b => b.Events)
            .OfType<Messaging.NewMessage>().Select(e => e.Message.Text)];
    }

    [Fact]
    public async Task TransientErrors_5xxMinus503AndShortFloodWait_Retried()
    {
        var server = NewServer();
        server.Failures.Enqueue(new TelegramRpcException(500, "INTERNAL_SERVER_ERROR"));
        server.Failures.Enqueue(new TelegramRpcException(-503, "Timeout"));
        server.Failures.Enqueue(new TimeoutException("test"));
        await using var engine = NewEngine(server, _handler, Options());

        await engine.StartAsync(TestContext.Current.CancellationToken);
        await BatchRecorder.WaitUntilAsync(() => _handler.SavedState is not null);

        Assert.Equal(1, server.GetStateCalls);
        Assert.Equal(server.Pts, _handler.SavedState!.Pts);
    }

    [Fact]
    public async Task DifferenceTooLong_MissedMessagesRecoveredFromHistoryInOrder()
    {
        var server = NewServer();
        server.AddUser(44);
        await using var engine = NewEngine(server, _handler, Options());
        await engine.StartAsync(TestContext.Current.CancellationToken);
        server.SendPrivate(42, "seen");
        await _handler.WaitForMessagesAsync(1);
        await BatchRecorder.WaitUntilAsync(() => _handler.SavedState?.Pts == server.Pts);
        var before = _handler.SavedState!;
        Assert.True(before.MaxMessageId > 0);

        // 250 messages the update stream lost; 200 of them in one chat, so its history takes several pages.
        var missed = new List<string>();
        for (var i = 0; i < 250; i++)
        {
            var text = $"lost {i}";
            server.SendPrivate(i % 5 == 0 ? 43 + (i % 2) : 42, text, push: false);
            missed.Add(text);
        }

        server.TooLongOnce = true;
        engine.RequestResync("test");
        await _handler.WaitForMessagesAsync(251);
        await BatchRecorder.WaitUntilAsync(() => _handler.SavedState?.Pts == server.Pts);
        server.SendPrivate(43, "live");
        await _handler.WaitForMessagesAsync(252);

        Assert.Equal(["seen", .. missed, "live"], _handler.Texts);
        var history = _handler.Batches.Where(b => b.Source == UpdateBatchSource.History && b.Events.Count > 0).ToList();
        Assert.NotEmpty(history);
        // The recovery's batches keep the old state until its last one; batches that queued up while the handler was
        // busy are delivered as one, so the last delivered history batch may already carry the new state.
        Assert.All(history.SkipLast(1), b => Assert.Equal(before.Pts, b.State.Pts));
        Assert.Empty(_handler.Batches.SelectMany(b => b.HistoryGaps));
        Assert.True(server.GetDialogsCalls >= 1);
        Assert.True(server.GetHistoryCalls >= 4);
        Assert.Equal(_handler.Messages.Max(m => m.Key.MessageId), engine.CommittedState!.MaxMessageId);
    }

    [Fact]
    public void UpdateState_Version1StillRead_Version2KeepsMaxMessageId()
    {
        var v2 = new UpdateState(10, 3, 1, 7) { MaxMessageId = 99 };
        var bytes = v2.Serialize();
        var v1 = new byte[bytes.Length - 4];
        bytes.AsSpan(0, 21).CopyTo(v1);
        v1[0] = 1;

        Assert.Equal(v2, UpdateState.Deserialize(bytes));
        Assert.Equal(v2 with { MaxMessageId = 0 }, UpdateState.Deserialize(v1));
    }

    private static ScriptedUpdatesServer NewServer(int pushCapacity = 1_000_000)
    {
        var server = new ScriptedUpdatesServer(pushCapacity);
        server.AddUser(42);
        server.AddUser(43);
        return server;
    }

    private UpdatesEngine NewEngine(ScriptedUpdatesServer server, IUpdateBatchHandler handler, UpdatesEngineOptions options) =>
        new(server, null, _peers, handler, () => 1, options, server.Pushes);

    /// <summary>Holds every batch until opened, as a host whose store is slow would.</summary>
    private sealed class GatedHandler(BatchRecorder inner) : IUpdateBatchHandler
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Open() => _open.TrySetResult();

        public async ValueTask HandleAsync(UpdateBatch batch, CancellationToken cancellationToken)
        {
            await _open.Task.WaitAsync(cancellationToken);
            await inner.HandleAsync(batch, cancellationToken);
        }

        public ValueTask ParkAsync(UpdateBatch batch, Exception lastError, CancellationToken cancellationToken) => inner.ParkAsync(batch, lastError, cancellationToken);
    }
}
