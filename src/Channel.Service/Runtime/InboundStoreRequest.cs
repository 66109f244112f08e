using Channel.Domain.Accounts;
using Channel.MTProto.UpdateHandling;
using Channel.Persistence.Leases;
using Channel.Persistence.Updates;

namespace Channel.Service.Runtime;

/// <summary>
/// One account's batch for <see cref="InboundStoreWriter"/>: its events, the update state they advance the account
/// to, the peer cache when it changed, and the parked record when the batch is being parked. Completes with the
/// events that were new (a replayed one is not stored again).
/// </summary>
internal sealed class InboundStoreRequest(
    TelegramAccountId accountId, Lease lease, UpdateState state, List<PendingEvent> pending, byte[]? peers, ParkedUpdateBatch? parked, CancellationToken cancellationToken)
{
    public TelegramAccountId AccountId { get; } = accountId;

    public Lease Lease { get; } = lease;

    public UpdateState State { get; } = state;

    public List<PendingEvent> Pending { get; } = pending;

    /// <summary>The serialized peer cache (not yet protected), or null when it did not change.</summary>
    public byte[]? Peers { get; } = peers;

    public ParkedUpdateBatch? Parked { get; } = parked;

    /// <summary>The caller's; a request cancelled before its transaction starts is not written.</summary>
    public CancellationToken CancellationToken { get; } = cancellationToken;

    public TaskCompletionSource<List<PendingEvent>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
