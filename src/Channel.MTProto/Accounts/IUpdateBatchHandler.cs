using Channel.MTProto.UpdateHandling;

namespace Channel.MTProto.Accounts;

/// <summary>
/// The host's side of the updates engine: makes each batch durable, its effects and its <see cref="UpdateBatch.State"/>
/// together. Batches come one at a time, in order; a batch counts as handled only when <see cref="HandleAsync"/>
/// returns (or, after <see cref="UpdatesEngineOptions.MaxHandlerAttempts"/> failures, <see cref="ParkAsync"/> does).
/// </summary>
public interface IUpdateBatchHandler
{
    /// <summary>Persist the batch's effects AND batch.State in one transaction; when this returns the batch is handled.</summary>
    /// <remarks>Batches may carry no events (only a moved state): persist the state all the same.</remarks>
    ValueTask HandleAsync(UpdateBatch batch, CancellationToken cancellationToken);

    /// <summary>
    /// Called after MaxHandlerAttempts failures of HandleAsync: record the batch for an operator (and batch.State); the
    /// engine then moves on. If this throws too, the engine keeps trying (handle, then park) with backoff: a batch is
    /// never skipped unrecorded.
    /// </summary>
    ValueTask ParkAsync(UpdateBatch batch, Exception lastError, CancellationToken cancellationToken);
}
