namespace Channel.MTProto.UpdateHandling;

/// <summary>
/// The deliverer: one batch at a time to the host; again with backoff while it throws; parked after
/// <see cref="UpdatesEngineOptions.MaxHandlerAttempts"/> failures; only then the next batch.
/// </summary>
internal sealed partial class UpdatesEngine
{
    private async Task DeliverLoopAsync(CancellationToken cancellationToken)
    {
        await foreach (var batch in _batches.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            // State-only batches go to the host too: it is the one that persists the state.
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
