using Channel.MTProto.Accounts;

namespace Channel.MTProto.UpdateHandling;

/// <summary>A handler given as a delegate. It cannot park, so parking fails and the engine keeps retrying the batch.</summary>
internal sealed class DelegateBatchHandler(Func<UpdateBatch, CancellationToken, ValueTask> handle) : IUpdateBatchHandler
{
    public ValueTask HandleAsync(UpdateBatch batch, CancellationToken cancellationToken) => handle(batch, cancellationToken);

    public ValueTask ParkAsync(UpdateBatch batch, Exception lastError, CancellationToken cancellationToken) =>
        ValueTask.FromException(new InvalidOperationException("This handler has nowhere to park a batch; it is retried.", lastError));
}
