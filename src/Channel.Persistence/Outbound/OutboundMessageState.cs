namespace Channel.Persistence.Outbound;

/// <summary>Where an outgoing message stands. Pending is recorded before the message goes to Telegram.</summary>
public enum OutboundMessageState
{
    /// <summary>Accepted, not yet confirmed by Telegram (maybe sent: a repeat uses the same random_id).</summary>
    Pending = 0,

    /// <summary>Telegram stored it: <see cref="OutboundMessage.TelegramMessageId"/> is set.</summary>
    Sent = 1,

    /// <summary>Refused for good (peer unknown, blocked, PEER_FLOOD, too long …): <see cref="OutboundMessage.FailureReason"/>.</summary>
    Failed = 2,
}
