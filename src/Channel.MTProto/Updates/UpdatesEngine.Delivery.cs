namespace Channel.MTProto.UpdateHandling;

/// <summary>
/// The deliverer: one batch at a time to the host; again with backoff while it throws; parked after
/// <see cref="UpdatesEngineOptions.MaxHandlerAttempts"/> failures; only then the next batch. Batches that queued up
/// while the host was busy go to it as one (same source, up to <see cref="MaxUpdatesPerDelivery"/> updates): under
/// load the host then makes one transaction of many updates instead of one per update.
/// </summary>
internal sealed partial class UpdatesEngine
{
    /// <summary>Updates handed to the host at once when queued batches are merged.</summary>
    internal const int MaxUpdatesPerDelivery = 500;

    private async Task DeliverLoopAsync(CancellationToken cancellationToken)
    {
        var reader = _batches.Reader;
        var parts = new List<UpdateBatch>();
        UpdateBatch? held = null;
        while (held is not null || await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (held is null && !reader.TryRead(out held))
            {
                continue;
            }

            parts.Clear();
            parts.Add(held);
            var first = held;
            held = null;
            var updates = first.Updates.Count;
            while (updates < MaxUpdatesPerDelivery && reader.TryRead(out var next))
            {
                if (next.Source != first.Source)
                {
                    held = next;
                    break;
                }

                parts.Add(next);
                updates += next.Updates.Count;
            }

            // State-only batches go to the host too: it is the one that persists the state.
            var batch = UpdateBatch.Merge(parts);
            await DeliverAsync(batch, cancellationToken).ConfigureAwait(false);
            CommittedState = batch.State;
        }
    }

    private async Task DeliverAsync(UpdateBatch batch, CancellationToken cancellationToken)
    {
        var maxAttempts = _options.MaxHandlerAttempts is > 0 and var max ? max : (int?)null;
        for (var attempt = 1; ; attempt++)
        {
            batch.Attempt = attempt;
            Exception failure;
            try
            {
                await _handler.HandleAsync(batch, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                failure = e;
            }

            if (attempt >= maxAttempts)
            {
                // Past the limit every round tries the handler once more, then parking: whichever works first ends
                // the batch. If both fail, nothing moves: a batch is never skipped unrecorded.
                try
                {
                    await _handler.ParkAsync(batch, failure, cancellationToken).ConfigureAwait(false);
                    Log.BatchParked(_logger, batch.Number, attempt, failure);
                    return;
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    Log.ParkFailed(_logger, batch.Number, e);
                }
            }

            // Never skip a batch: the ones behind it wait, so order holds and nothing is committed unseen.
            var delay = Backoff(attempt, _options.HandlerRetryDelay, _options.HandlerRetryMaxDelay);
            Log.HandlerFailed(_logger, batch.Number, attempt, delay.TotalMilliseconds, failure);
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
    }
}
