using System.Threading.Channels;
using Channel.MTProto.Accounts;
using Channel.MTProto.Client;
using Channel.MTProto.Tl;
using Channel.MTProto.Tl.Api;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Channel.MTProto.UpdateHandling;

/// <summary>The RPC calls the engine makes (getState, getDifference, getChannelDifference); the client in production.</summary>
internal interface IUpdatesRpc
{
    Task<TResult> InvokeAsync<TResult>(ITlMethod<TResult> request, CancellationToken cancellationToken);
}

/// <summary>
/// Telegram's "working with updates" for one account: keeps pts/qts/seq/date and per-channel pts, drops duplicates,
/// fills holes with getDifference / getChannelDifference, and delivers updates to the host in order through one
/// handler, which persists each batch's effects together with its state (at-least-once, never lost).
/// </summary>
/// <remarks>
/// Three loops: the <em>pump</em> moves server pushes into the engine's input queue; the <em>processor</em> is the
/// only owner of the <see cref="UpdateSequencer"/> and does the difference calls one box at a time (pushes wait in
/// the queue meanwhile, which is the spec's "buffer updates while filling a gap"); the <em>deliverer</em> calls the
/// handler batch by batch, retries a failing batch with backoff, parks it after
/// <see cref="UpdatesEngineOptions.MaxHandlerAttempts"/>, and only then moves on. The engine never writes the state
/// anywhere itself: the host's transaction is the only place it becomes durable, so effects and state cannot part.
/// </remarks>
internal sealed partial class UpdatesEngine : IAsyncDisposable
{
    /// <summary>Pushes read ahead of processing; more wait in the client's own queue.</summary>
    private const int InputCapacity = 1_024;

    /// <summary>Live updates merged into one batch when they arrive together.</summary>
    private const int MaxUpdatesPerLiveBatch = 100;

    private readonly IUpdatesRpc _rpc;
    private readonly UpdateState? _savedState;
    private readonly Func<long?> _selfUserId;
    private readonly IUpdatePeers _peers;
    private readonly IUpdateBatchHandler _handler;
    private readonly UpdatesEngineOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly BackgroundRetry _retry;
    private readonly UpdateQueue? _pushes;
    private readonly Channel<Input> _inputs = System.Threading.Channels.Channel.CreateBounded<Input>(new BoundedChannelOptions(InputCapacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly Channel<UpdateBatch> _batches;
    private readonly CancellationTokenSource _stopping = new();
    private UpdateSequencer? _sequencer;
    private UpdateState? _lastQueuedState;
    private long _batchNumber;
    private int _resyncRequested;
    private int _started;
    private int _disposed;
    private Task _loops = Task.CompletedTask;

    /// <param name="rpc">Where getState / getDifference / getChannelDifference / getDialogs / getHistory go.</param>
    /// <param name="savedState">The state the host last persisted with a batch, or null to start from the server's current one.</param>
    /// <param name="peers">The peer cache.</param>
    /// <param name="handler">The host's handler.</param>
    /// <param name="selfUserId">The logged-in user (the sender of our own messages).</param>
    /// <param name="options">Tuning; defaults follow the spec.</param>
    /// <param name="pushes">Server pushes (the client's queue); null when only <see cref="Observe"/> feeds the engine.</param>
    /// <param name="logger">Logs.</param>
    /// <param name="timeProvider">Clock for waits and backoffs.</param>
    /// <param name="retryPolicy">Retries of the engine's own calls; by default built from the options' RpcRetry delays.</param>
    public UpdatesEngine(
        IUpdatesRpc rpc,
        UpdateState? savedState,
        IUpdatePeers peers,
        IUpdateBatchHandler handler,
        Func<long?> selfUserId,
        UpdatesEngineOptions? options = null,
        UpdateQueue? pushes = null,
        ILogger? logger = null,
        TimeProvider? timeProvider = null,
        RpcRetryPolicy? retryPolicy = null)
    {
        ArgumentNullException.ThrowIfNull(rpc);
        ArgumentNullException.ThrowIfNull(peers);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(selfUserId);
        _options = options ?? new UpdatesEngineOptions();
        _options.Validate();
        _rpc = rpc;
        _savedState = savedState;
        _selfUserId = selfUserId;
        _peers = peers;
        _handler = handler;
        _pushes = pushes;
        _logger = logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _retry = new BackgroundRetry(retryPolicy ?? new RpcRetryPolicy { BaseDelay = _options.RpcRetryDelay, MaxDelay = _options.RpcRetryMaxDelay }, _logger, _time);
        _batches = System.Threading.Channels.Channel.CreateBounded<UpdateBatch>(new BoundedChannelOptions(_options.MaxQueuedBatches)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>The state of the last batch the host handled (or parked); the saved state until then. Kept in memory only.</summary>
    public UpdateState? CommittedState { get; private set; }

    /// <summary>The state of the last batch queued for the host (for tests: everything received has been sequenced).</summary>
    internal UpdateState? QueuedState => Volatile.Read(ref _lastQueuedState);

    /// <summary>Completes when the engine stops: faulted if it stopped on an error (e.g. the client became terminal).</summary>
    public Task Completion => _loops;

    /// <summary>
    /// Starts: with no saved state, takes the server's (updates.getState); with one, fetches everything missed since
    /// (getDifference, and the channels it names) before any live update is processed. Returns once that is fetched
    /// and queued for the handler; delivery and live processing go on in the background until disposal.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("The updates engine is already started.");
        }

        var stopping = _stopping.Token;
        var delivery = Task.Run(() => DeliverLoopAsync(stopping), CancellationToken.None);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopping);
        var output = new SequencerOutput();
        try
        {
            if (_savedState is not { } saved)
            {
                // The first batch carries only this state: the host persists it, so a restart resumes from here.
                _sequencer = NewSequencer(new UpdateState(0, 0, 0, 0));
                _sequencer.SetCommon(await CallAsync(new Tl.Api.Updates.GetState(), linked.Token).ConfigureAwait(false));
                Log.StartingFresh(_logger, _sequencer.State);
                await FlushAsync(output, UpdateBatchSource.Difference, linked.Token).ConfigureAwait(false);

                // Channels are outside the common state: each starts at its dialog's pts.
                await SeedChannelsAsync(output, fromSavedState: false, linked.Token).ConfigureAwait(false);
                await FetchRequestedAsync(output, "start-up", linked.Token).ConfigureAwait(false);
            }
            else
            {
                _sequencer = NewSequencer(saved);
                // _lastQueuedState stays null: the catch-up always ends in a batch, state-only when nothing is new.
                // The host may not have stored this state itself (an old session blob carried it); unless it is in
                // the host's table now, a restart would start from the server's state and skip what came meanwhile.
                CommittedState = saved;
                Log.CatchingUp(_logger, saved);
                output.Fetch.Add(UpdateBox.Common);
                await FetchRequestedAsync(output, "start-up", linked.Token).ConfigureAwait(false);
                await SeedChannelsAsync(output, fromSavedState: true, linked.Token).ConfigureAwait(false);
                await FetchRequestedAsync(output, "start-up", linked.Token).ConfigureAwait(false);
            }
        }
        catch
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
            await IgnoreCancellation(delivery).ConfigureAwait(false);
            throw;
        }

        var processing = Task.Run(() => ProcessLoopAsync(output, stopping), CancellationToken.None);
        var pump = _pushes is null ? Task.CompletedTask : Task.Run(() => PumpAsync(_pushes, stopping), CancellationToken.None);
        _loops = WatchAsync(delivery, processing, pump);
    }

    /// <summary>
    /// Feeds an Updates constructor the server returned to one of our calls (messages.sendMessage and the like):
    /// the server does not push those to this session, so without it the next push would look like a hole.
    /// </summary>
    public void Observe(UpdatesBase updates)
    {
        ArgumentNullException.ThrowIfNull(updates);
        Enqueue(new PushInput(updates));
    }

    /// <summary>
    /// Feeds the answer to our own messages.sendMessage when it is updateShortSentMessage, with the request's peer
    /// and text so the host sees the full outgoing message.
    /// </summary>
    public void ObserveSentMessage(UpdateShortSentMessage sent, PeerBase peer, string text, MessageReplyHeaderBase? replyTo = null)
    {
        ArgumentNullException.ThrowIfNull(sent);
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentNullException.ThrowIfNull(text);
        var update = ShortUpdates.ToNewMessage(sent, peer, text, replyTo, _selfUserId());
        Enqueue(new PushInput(new UpdateShort { Update = update, Date = sent.Date }));
    }

    /// <summary>Feeds a messages.affectedMessages / affectedHistory answer (pts, pts_count); channelId for channel calls.</summary>
    public void ObserveAffected(int pts, int ptsCount, long? channelId = null) =>
        Enqueue(new AffectedInput(channelId is { } id ? UpdateBox.Channel(id) : UpdateBox.Common, pts, ptsCount));

    /// <summary>Asks for a getDifference soon (new_session_created, a reconnect after a long outage, …).</summary>
    public void RequestResync(string reason)
    {
        Log.ResyncRequested(_logger, reason);
        Volatile.Write(ref _resyncRequested, 1);
        _inputs.Writer.TryWrite(new WakeInput());
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _inputs.Writer.TryComplete();
        try
        {
            await IgnoreCancellation(_loops).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The failure that stopped the engine was logged and is what Completion reports; disposing must not throw.
        }

        _stopping.Dispose();
    }

    private UpdateSequencer NewSequencer(UpdateState state) => new(state, _peers, _selfUserId, _options.GapTimeout);

    private void Enqueue(Input input)
    {
        // Our own results are few; if the queue is full anyway, a resync recovers what this one carried.
        if (!_inputs.Writer.TryWrite(input))
        {
            Volatile.Write(ref _resyncRequested, 1);
        }
    }

    private async Task PumpAsync(UpdateQueue pushes, CancellationToken cancellationToken)
    {
        await foreach (var updates in pushes.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            await _inputs.Writer.WriteAsync(new PushInput(updates), cancellationToken).ConfigureAwait(false);

            // Pushes were dropped while the queue was full (after the ones still in it): getDifference brings
            // them back, and the pts rules drop what it repeats of the queued ones.
            if (pushes.TakeOverflow())
            {
                RequestResync("the updates queue overflowed");
            }
        }
    }

    private async Task WatchAsync(Task delivery, Task processing, Task pump)
    {
        var first = await Task.WhenAny(delivery, processing, pump).ConfigureAwait(false);
        if (first.IsFaulted)
        {
            Log.Stopped(_logger, first.Exception!.GetBaseException());
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        await IgnoreCancellation(Task.WhenAll(delivery, processing, pump)).ConfigureAwait(false);
        await first.ConfigureAwait(false);
    }

    private static async Task IgnoreCancellation(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static TimeSpan Backoff(int attempt, TimeSpan first, TimeSpan max)
    {
        var delay = first * Math.Pow(2, Math.Min(attempt - 1, 20));
        return delay > max ? max : delay;
    }

    private abstract record Input;

    private sealed record PushInput(UpdatesBase Updates) : Input;

    private sealed record AffectedInput(UpdateBox Box, int Pts, int PtsCount) : Input;

    /// <summary>Wakes the processor to look at <see cref="_resyncRequested"/>.</summary>
    private sealed record WakeInput : Input;
}
