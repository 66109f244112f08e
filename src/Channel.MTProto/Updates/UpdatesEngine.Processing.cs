using Channel.MTProto.Client;
using Channel.MTProto.Messaging;
using Channel.MTProto.Tl;
using Channel.MTProto.Tl.Api;
using TlUpdates = Channel.MTProto.Tl.Api.Updates;

namespace Channel.MTProto.UpdateHandling;

/// <summary>The processor: sequencing, waiting on holes, and filling boxes with the difference calls.</summary>
internal sealed partial class UpdatesEngine
{
    private async Task ProcessLoopAsync(SequencerOutput output, CancellationToken cancellationToken)
    {
        var sequencer = _sequencer!;
        var lastActivity = _time.GetUtcNow();
        while (true)
        {
            var now = _time.GetUtcNow();
            var idleDeadline = lastActivity + _options.IdleResyncInterval;
            var wake = sequencer.NextGapDeadline is { } gapDeadline && gapDeadline < idleDeadline ? gapDeadline : idleDeadline;
            if (NextChannelPoll is { } poll && poll < wake)
            {
                wake = poll;
            }

            var input = await ReadInputAsync(wake - now, cancellationToken).ConfigureAwait(false);
            now = _time.GetUtcNow();
            string reason;
            if (input is null)
            {
                reason = "gap timeout";
                foreach (var box in sequencer.ExpiredGaps(now))
                {
                    output.Fetch.Add(box == UpdateBox.Secret ? UpdateBox.Common : box);
                }

                if (NextChannelPoll is { } due && due <= now)
                {
                    reason = "channel poll";
                    AddDueChannels(output, now, all: false);
                }

                if (now >= idleDeadline)
                {
                    reason = "no updates for a while";
                    output.Fetch.Add(UpdateBox.Common);
                    AddDueChannels(output, now, all: true);
                }
            }
            else
            {
                reason = "live update";
                lastActivity = now;

                // Take what has already arrived too, so a burst becomes a few batches rather than one per push.
                do
                {
                    Apply(sequencer, input, now, output);
                }
                while (output.Fetch.Count == 0 && output.Updates.Count < MaxUpdatesPerLiveBatch && _inputs.Reader.TryRead(out input));
            }

            if (Interlocked.Exchange(ref _resyncRequested, 0) != 0)
            {
                reason = "resync requested";
                output.Fetch.Add(UpdateBox.Common);
            }

            if (output.Duplicates > 0)
            {
                Log.Duplicates(_logger, output.Duplicates);
                output.Duplicates = 0;
            }

            TakeMigrations(output);
            await FlushAsync(output, UpdateBatchSource.Live, cancellationToken).ConfigureAwait(false);
            if (output.Fetch.Count > 0 || output.RefetchState)
            {
                await FetchRequestedAsync(output, reason, cancellationToken).ConfigureAwait(false);
                lastActivity = _time.GetUtcNow();
            }
        }
    }

    private static void Apply(UpdateSequencer sequencer, Input input, DateTimeOffset now, SequencerOutput output)
    {
        switch (input)
        {
            case PushInput push:
                sequencer.Process(push.Updates, now, output);
                break;
            case AffectedInput affected:
                sequencer.ProcessAffected(affected.Box, affected.Pts, affected.PtsCount, now, output);
                break;
        }
    }

    /// <summary>Waits for the next input, or returns null when <paramref name="wait"/> passes first.</summary>
    private async ValueTask<Input?> ReadInputAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        if (_inputs.Reader.TryRead(out var input))
        {
            return input;
        }

        if (wait <= TimeSpan.Zero)
        {
            return null;
        }

        using var timeout = new CancellationTokenSource(wait, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await _inputs.Reader.ReadAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Fills every box the output asks for, one at a time (the common box first), queuing what they bring.</summary>
    private async Task FetchRequestedAsync(SequencerOutput output, string reason, CancellationToken cancellationToken)
    {
        var sequencer = _sequencer!;
        while (output.Fetch.Count > 0 || output.RefetchState || output.MigratedTo.Count > 0)
        {
            TakeMigrations(output);
            if (output.Fetch.Count == 0 && !output.RefetchState)
            {
                break;
            }

            if (output.RefetchState)
            {
                // updatePtsChanged: the server renumbered the common box; nothing is lost, the numbers just moved.
                output.RefetchState = false;
                sequencer.SetCommon(await CallAsync(new TlUpdates.GetState(), cancellationToken).ConfigureAwait(false));
                sequencer.AfterFill(UpdateBox.Common, _time.GetUtcNow(), output);
                await FlushAsync(output, UpdateBatchSource.Difference, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var box = output.Fetch.Contains(UpdateBox.Common) ? UpdateBox.Common : output.Fetch.First();
            output.Fetch.Remove(box);
            Log.Fetching(_logger, box.ToString(), reason);
            if (box.IsChannel)
            {
                await FillChannelAsync(box.ChannelId, output, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                output.Fetch.Remove(UpdateBox.Secret);
                await FillCommonAsync(output, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// updates.getDifference until complete. differenceTooLong: the missed private-chat and basic-group messages are
    /// recovered from the dialogs' history (above <see cref="UpdateState.MaxMessageId"/>), then the box goes on from
    /// the pts the server named; without a known message id it is reported as a history gap instead.
    /// </summary>
    private async Task FillCommonAsync(SequencerOutput output, CancellationToken cancellationToken)
    {
        var sequencer = _sequencer!;
        var recoveredUpTo = 0;
        while (true)
        {
            var state = sequencer.State;
            var request = new TlUpdates.GetDifference
            {
                Pts = state.Pts,
                Date = state.Date,
                Qts = state.Qts,
                PtsTotalLimit = _options.DifferencePtsTotalLimit,
            };

            TlUpdates.DifferenceBase difference;
            try
            {
                difference = await CallAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (TelegramRpcException e) when (e.Code == 400)
            {
                // PERSISTENT_TIMESTAMP_INVALID and the like: our position is unusable; start again from the server's.
                await ResetCommonAsync(output, e.ErrorName, cancellationToken).ConfigureAwait(false);
                break;
            }

            if (difference is TlUpdates.DifferenceTooLong tooLong)
            {
                if (recoveredUpTo != 0 || state.MaxMessageId == 0)
                {
                    // No position to recover from (an old saved state), or too long again right after a recovery.
                    Log.HistoryGap(_logger, UpdateBox.Common.ToString(), "differenceTooLong");
                    output.HistoryGaps.Add(UpdateBox.Common);
                    sequencer.SkipCommonTo(tooLong.Pts, 0);
                    await FlushAsync(output, UpdateBatchSource.Difference, cancellationToken).ConfigureAwait(false);
                    break;
                }

                recoveredUpTo = await RecoverHistoryAsync(state.MaxMessageId, output, cancellationToken).ConfigureAwait(false);
                sequencer.SkipCommonTo(tooLong.Pts, recoveredUpTo);
                await FlushAsync(output, UpdateBatchSource.History, cancellationToken).ConfigureAwait(false);

                // Go on from there: the difference brings what is not a new message (edits, deletions, reads);
                // the messages the history already delivered are dropped.
                continue;
            }

            var done = sequencer.ApplyDifference(difference, _time.GetUtcNow(), output, recoveredUpTo);
            await FlushAsync(output, UpdateBatchSource.Difference, cancellationToken).ConfigureAwait(false);
            if (done)
            {
                break;
            }
        }

        var now = _time.GetUtcNow();
        sequencer.AfterFill(UpdateBox.Common, now, output);
        sequencer.AfterFill(UpdateBox.Secret, now, output);
        await FlushAsync(output, UpdateBatchSource.Live, cancellationToken).ConfigureAwait(false);
    }

    private async Task ResetCommonAsync(SequencerOutput output, string reason, CancellationToken cancellationToken)
    {
        Log.HistoryGap(_logger, UpdateBox.Common.ToString(), reason);
        _sequencer!.SetCommon(await CallAsync(new TlUpdates.GetState(), cancellationToken).ConfigureAwait(false));
        output.HistoryGaps.Add(UpdateBox.Common);
        await FlushAsync(output, UpdateBatchSource.Difference, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>updates.getChannelDifference until final; a channel we cannot reach is abandoned with a reported gap.</summary>
    private async Task FillChannelAsync(long channelId, SequencerOutput output, CancellationToken cancellationToken)
    {
        var sequencer = _sequencer!;
        if (!_peers.TryGetChannelAccessHash(channelId, out var accessHash))
        {
            Log.HistoryGap(_logger, UpdateBox.Channel(channelId).ToString(), "no access hash");
            _migratedChannels.Remove(channelId);
            sequencer.AbandonChannel(channelId, output);
            _channelPollDue.Remove(channelId);
            await FlushAsync(output, UpdateBatchSource.ChannelDifference, cancellationToken).ConfigureAwait(false);
            return;
        }

        var channel = new InputChannel { ChannelId = channelId, AccessHash = accessHash };
        if (sequencer.State.GetChannelPts(channelId) is null)
        {
            // Never followed and no pts given: the channel's own pts is where it starts.
            var seeded = await SeedUnknownChannelAsync(channelId, channel, output, cancellationToken).ConfigureAwait(false);
            await FlushAsync(output, UpdateBatchSource.ChannelDifference, cancellationToken).ConfigureAwait(false);
            if (!seeded)
            {
                return;
            }
        }

        var recovered = false;
        TlUpdates.ChannelDifferenceBase? last = null;
        while (sequencer.State.GetChannelPts(channelId) is { } pts)
        {
            var request = new TlUpdates.GetChannelDifference
            {
                Channel = channel,
                Filter = new ChannelMessagesFilterEmpty(),
                Pts = pts,
                Limit = _options.ChannelDifferenceLimit,
            };

            TlUpdates.ChannelDifferenceBase difference;
            try
            {
                difference = await CallAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (TelegramRpcException e) when (e.Code is 400 or 403 or 406)
            {
                // CHANNEL_PRIVATE, CHANNEL_INVALID, …: we left or were banned.
                Log.HistoryGap(_logger, UpdateBox.Channel(channelId).ToString(), e.ErrorName);
                sequencer.AbandonChannel(channelId, output);
                _channelPollDue.Remove(channelId);
                await FlushAsync(output, UpdateBatchSource.ChannelDifference, cancellationToken).ConfigureAwait(false);
                return;
            }

            last = difference;
            if (difference is TlUpdates.ChannelDifferenceTooLong { Dialog: Dialog { Pts: { } dialogPts } } tooLong
                && !recovered && sequencer.State.GetChannelMaxMessageId(channelId) is > 0 and var sinceId)
            {
                // Every message we have not delivered has an id above the last one we did: read them from the
                // history, then go on from the dialog's pts (edits and deletions before it are not recovered).
                _peers.Apply(tooLong.Users, tooLong.Chats);
                var peer = new InputPeerChannel { ChannelId = channelId, AccessHash = accessHash };
                var delivered = await RecoverChannelHistoryAsync(channelId, peer, sinceId, output, cancellationToken).ConfigureAwait(false);
                sequencer.SkipChannelTo(channelId, dialogPts, delivered);
                await FlushAsync(output, UpdateBatchSource.History, cancellationToken).ConfigureAwait(false);
                recovered = true;
                continue;
            }

            var done = sequencer.ApplyChannelDifference(channelId, difference, output);
            if (difference is TlUpdates.ChannelDifferenceTooLong)
            {
                Log.HistoryGap(_logger, UpdateBox.Channel(channelId).ToString(), "channelDifferenceTooLong");
            }

            await FlushAsync(output, UpdateBatchSource.ChannelDifference, cancellationToken).ConfigureAwait(false);
            if (done)
            {
                break;
            }
        }

        ScheduleChannelPoll(channelId, last);
        sequencer.AfterFill(UpdateBox.Channel(channelId), _time.GetUtcNow(), output);
        await FlushAsync(output, UpdateBatchSource.Live, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Calls the server under the background retry policy (5xx, -503, timeouts, lost connections; short flood
    /// waits slept). A longer flood wait is waited out here too: the engine is a background loop with no caller to
    /// raise it to, and giving up would stop the account's updates. Anything else propagates.
    /// </summary>
    private async Task<TResult> CallAsync<TResult>(ITlMethod<TResult> request, CancellationToken cancellationToken)
    {
        var method = request.GetType().Name;
        while (true)
        {
            try
            {
                return await _retry.InvokeAsync(token => _rpc.InvokeAsync(request, token), method, cancellationToken).ConfigureAwait(false);
            }
            catch (FloodWaitException flood) when (!cancellationToken.IsCancellationRequested)
            {
                Log.FloodWaiting(_logger, method, flood.Wait.TotalSeconds, flood.ErrorName);
                await Task.Delay(flood.Wait, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Turns what the output holds into the next batch (or a state-only step) for the deliverer.</summary>
    private async ValueTask FlushAsync(SequencerOutput output, UpdateBatchSource source, CancellationToken cancellationToken)
    {
        var state = _sequencer!.State;
        if (!output.HasContent && state.Equals(_lastQueuedState))
        {
            return;
        }

        var batch = new UpdateBatch(
            ++_batchNumber,
            source,
            MapEvents(output),
            [.. output.Updates],
            [.. output.Users],
            [.. output.Chats],
            [.. output.HistoryGaps.Select(b => new UpdateHistoryGap(b.IsChannel ? b.ChannelId : null))],
            state);
        output.ClearContent();
        _lastQueuedState = state;
        await _batches.Writer.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The host-facing events of the batch (new, edited, deleted messages, outbox reads), in update order.</summary>
    private List<InboundEvent> MapEvents(SequencerOutput output)
    {
        var events = new List<InboundEvent>(output.Updates.Count);
        foreach (var update in output.Updates)
        {
            if (update is UpdateNewChannelMessage { Message: var channelMessage })
            {
                _peers.NoteChannelMessage(channelMessage);
            }

            try
            {
                if (InboundEventMapper.TryMap(update, output.Users, output.Chats, out var evt))
                {
                    events.Add(evt);
                }
            }
            catch (ArgumentException e)
            {
                // One odd update must not stop the account's stream: the raw update is still in the batch.
                Log.UnmappableUpdate(_logger, update.GetType().Name, e);
            }
        }

        return events;
    }
}
