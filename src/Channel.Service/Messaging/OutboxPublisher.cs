namespace Channel.Service.Messaging;

/// <summary><c>Outbox:Publisher</c>: which code writes the outbox's events to RabbitMQ.</summary>
internal enum OutboxPublisher
{
    /// <summary>
    /// Our own publisher on a dedicated connection: MassTransit's envelope, an account's events in order with up to
    /// <c>Outbox:PublishWindow</c> of them awaiting confirms.
    /// </summary>
    Direct,

    /// <summary>MassTransit's publish, one confirm at a time per account (its concurrent publishes do not keep their order).</summary>
    MassTransit,
}
