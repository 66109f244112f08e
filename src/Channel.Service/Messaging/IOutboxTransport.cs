using System.Diagnostics.CodeAnalysis;
using Channel.Persistence.Outbox;

namespace Channel.Service.Messaging;

/// <summary>
/// How <see cref="OutboxDispatcher"/> puts rows on the bus: <see cref="DirectOutboxTransport"/> (RabbitMQ, ordered
/// publishes with a window of confirms) or <see cref="MassTransitOutboxTransport"/> (the in-memory bus, or RabbitMQ
/// through MassTransit's publish when <c>Outbox:Publisher=MassTransit</c>). Either way consumers get MassTransit's
/// envelope on the exchange <c>Channel.Contracts:&lt;Type&gt;</c>, with MessageId = the row's MessageId.
/// </summary>
internal interface IOutboxTransport
{
    /// <summary>
    /// How many of one account's publishes may await their confirm at once while still reaching the exchange in the
    /// order they were started.
    /// </summary>
    int Window { get; }

    /// <summary>
    /// Turns a row into what <see cref="StartAsync"/> sends. False, with the reason, for a row that can never be
    /// published (unknown type, broken JSON): the dispatcher parks it.
    /// </summary>
    bool TryPrepare(OutboxMessage row, [NotNullWhen(true)] out OutboxPublish? publish, out string error);

    /// <summary>
    /// Starts one publish. The returned task completes once the publish is handed to the broker connection, so the next
    /// one started after it follows it on the wire; its result completes when the broker confirmed it (and faults if
    /// the broker refused it or the connection was lost first).
    /// </summary>
    ValueTask<Task> StartAsync(OutboxPublish publish, CancellationToken cancellationToken);
}
