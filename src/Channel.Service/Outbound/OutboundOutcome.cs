using Channel.Persistence.Outbound;

namespace Channel.Service.Outbound;

/// <summary>What one delivery attempt came to.</summary>
internal sealed record OutboundOutcome(OutboundOutcomeKind Kind, OutboundMessage Row, string? Reason = null, TimeSpan? RetryAfter = null)
{
    public static OutboundOutcome Done(OutboundMessage row) => new(row.State == OutboundMessageState.Sent ? OutboundOutcomeKind.Sent : OutboundOutcomeKind.Failed, row, row.FailureReason);
}

internal enum OutboundOutcomeKind
{
    Sent,

    /// <summary>Refused for good; <see cref="OutboundOutcome.Reason"/> says why.</summary>
    Failed,

    /// <summary>Nothing sent, the request itself is wrong (peer unknown, too long): a gRPC row is forgotten, so a corrected retry works.</summary>
    Rejected,

    /// <summary>FLOOD_WAIT: nothing sent; try again after <see cref="OutboundOutcome.RetryAfter"/>.</summary>
    FloodWait,

    /// <summary>A passing failure (unreachable, not connected): the row stays Pending; try again with the same key.</summary>
    Transient,
}
