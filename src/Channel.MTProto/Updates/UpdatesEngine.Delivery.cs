namespace Channel.MTProto.UpdateHandling;

/// <summary>The deliverer: one batch at a time to the host, again until it succeeds, then the state is committed.</summary>
internal sealed partial class UpdatesEngine
{
    private async Task DeliverLoopAsync(CancellationToken cancellationToken)
    {
        await foreach (var batch in _batches.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (batch.Updates.Count > 0 || batch.HistoryGaps.Count > 0)
            {
                await DeliverAsync(batch, cancellationToken).ConfigureAwait(false);
            }

            Commit(batch.State);
        }
    }

    private async Task DeliverAsync(UpdateBatch batch, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            batch.Attempt = attempt;
            try
            {
                await _handler(batch, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // Never skip a batch: the ones behind it wait, so order holds and nothing is committed unseen.
                var delay = Backoff(attempt, _options.HandlerRetryDelay, _options.HandlerRetryMaxDelay);
                Log.HandlerFailed(_logger, batch.Number, attempt, delay.TotalMilliseconds, e);
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Makes the acknowledged state durable: the session state raises Changed and the host saves it.</summary>
    private void Commit(UpdateState state)
    {
        if (state.Equals(CommittedState))
        {
            return;
        }

        CommittedState = state;
        _session.UpdateState = state.Serialize();
    }
}
