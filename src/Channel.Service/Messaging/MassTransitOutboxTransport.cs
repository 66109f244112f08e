using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Channel.Persistence.Outbox;
using MassTransit;

namespace Channel.Service.Messaging;

/// <summary>
/// Publishes through MassTransit's <see cref="IBus"/>: the in-memory transport, or RabbitMQ with
/// <c>Outbox:Publisher=MassTransit</c>. One publish of an account at a time: concurrent publishes can overtake each
/// other inside MassTransit (a test saw a window of 32 arrive reversed right after start-up), and a failed one is
/// retried inside its send transport, after the ones behind it.
/// </summary>
internal sealed class MassTransitOutboxTransport(IBus bus) : IOutboxTransport
{
    public int Window => 1;

    public bool TryPrepare(OutboxMessage row, [NotNullWhen(true)] out OutboxPublish? publish, out string error)
    {
        ArgumentNullException.ThrowIfNull(row);
        publish = null;
        error = string.Empty;
        if (!OutboxMessageTypes.TryResolve(row.MessageType, out var type))
        {
            error = $"Unknown message type '{row.MessageType}'.";
            return false;
        }

        try
        {
            if (JsonSerializer.Deserialize(row.Body, type, OutboxMessageTypes.JsonOptions) is { } message)
            {
                publish = new OutboxPublish(row.Id, row.MessageId, row.MessageType, message);
                return true;
            }

            error = "The body is JSON null.";
        }
        catch (JsonException exception)
        {
            // The exception's message names the path, not the content.
            error = $"Unreadable body: {exception.Message}";
        }

        return false;
    }

    public ValueTask<Task> StartAsync(OutboxPublish publish, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(publish);
        Task published;
        try
        {
            var messageId = publish.MessageId;
            published = bus.Publish(
                publish.Payload, publish.Payload.GetType(), Pipe.Execute<PublishContext>(context => context.MessageId = messageId), cancellationToken);
        }
#pragma warning disable CA1031 // A publish that throws before it returns a task fails like one whose task faults.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            published = Task.FromException(exception);
        }

        return ValueTask.FromResult(published);
    }
}
