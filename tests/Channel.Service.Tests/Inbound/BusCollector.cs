using System.Collections.Concurrent;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Channel.Service.Tests.Inbound;

/// <summary>
/// A plain AMQP consumer, as a non-.NET helpdesk would write one: its own queue bound to the contracts' fanout
/// exchanges (declared as MassTransit declares them), every envelope kept in arrival order.
/// </summary>
public sealed class BusCollector : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly ConcurrentQueue<Envelope> _received = new();

    private BusCollector(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    public IReadOnlyList<Envelope> Received => [.. _received];

    /// <summary>The durable queue this collector reads (another collector can take it over after a broker restart).</summary>
    public string Queue { get; private init; } = "";

    public static Task<BusCollector> StartAsync(string connectionString, CancellationToken cancellationToken, params string[] contractTypes) =>
        StartAsync(connectionString, $"test-{Guid.NewGuid():N}", cancellationToken, contractTypes);

    public static async Task<BusCollector> StartAsync(string connectionString, string queueName, CancellationToken cancellationToken, params string[] contractTypes)
    {
        // No automatic recovery: a collector that outlives a broker restart is replaced by a new one on the same queue.
        var factory = new ConnectionFactory { Uri = new Uri(connectionString), AutomaticRecoveryEnabled = false };
        var connection = await factory.CreateConnectionAsync(cancellationToken);
        var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        var queue = (await channel.QueueDeclareAsync(queueName, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken)).QueueName;
        foreach (var type in contractTypes)
        {
            var exchange = $"Channel.Contracts:{type}";
            await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);
            await channel.QueueBindAsync(queue, exchange, routingKey: string.Empty, cancellationToken: cancellationToken);
        }

        var collector = new BusCollector(connection, channel) { Queue = queue };
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            using var document = JsonDocument.Parse(delivery.Body);
            var root = document.RootElement;
            collector._received.Enqueue(new Envelope(
                root.GetProperty("messageId").GetString()!,
                root.GetProperty("messageType")[0].GetString()!,
                root.GetProperty("message").Clone()));
            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
        };
        await channel.BasicConsumeAsync(queue, autoAck: false, consumer, cancellationToken);
        return collector;
    }

    /// <summary>Waits until <paramref name="done"/> holds for what has arrived (or the timeout passes) and returns it.</summary>
    public Task<IReadOnlyList<Envelope>> WaitAsync(Func<IReadOnlyList<Envelope>, bool> done, TimeSpan timeout) =>
        Eventually.ReachedAsync(() => Task.FromResult(Received), done, timeout);

    public async ValueTask DisposeAsync()
    {
        // After a broker restart the connection is already dead; closing it must not fail the test.
        try
        {
            await _channel.DisposeAsync();
            await _connection.DisposeAsync();
        }
        catch (Exception e) when (e is AlreadyClosedException or OperationInterruptedException or IOException)
        {
        }
    }
}

/// <summary>One message as it crossed the bus: the envelope's id and type, and the event itself.</summary>
public sealed record Envelope(string MessageId, string MessageType, JsonElement Message)
{
    public string Type => MessageType[(MessageType.LastIndexOf(':') + 1)..];

    public string Str(string name) => Message.GetProperty(name).ToString();

    public long Long(string name) => Message.GetProperty(name).GetInt64();
}
