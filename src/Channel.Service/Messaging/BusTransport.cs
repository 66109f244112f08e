namespace Channel.Service.Messaging;

/// <summary>Where the outbox dispatcher publishes (<c>Bus:Transport</c>).</summary>
internal enum BusTransport
{
    /// <summary>MassTransit's in-process bus: nothing leaves the process (development, tests).</summary>
    InMemory,

    /// <summary>RabbitMQ at <c>ConnectionStrings:RabbitMq</c>, with publisher confirms.</summary>
    RabbitMq,
}
