using System.Collections.Concurrent;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Channel.Service.Tests.Messaging;

/// <summary>
/// Listens to what MassTransit publishes for one contract: a durable queue (it survives a broker restart) bound
/// to the fanout exchange "Channel.Contracts:&lt;Type&gt;", collecting the JSON envelopes
/// (messageId, messageType, message {…}).
/// </summary>
public sealed class BusProbe : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;

    private BusProbe(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    public ConcurrentQueue<JsonElement> Envelopes { get; } = new();

    public static async Task<BusProbe> StartAsync(Uri amqp, string contractName, string queue)
    {
        var connection = await new ConnectionFactory { Uri = amqp }.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        var exchange = $"Channel.Contracts:{contractName}";
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync(queue, exchange, routingKey: string.Empty);
        var probe = new BusProbe(connection, channel);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            using var document = JsonDocument.Parse(delivery.Body);
            probe.Envelopes.Enqueue(document.RootElement.Clone());
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer);
        return probe;
    }

    public IReadOnlyList<Guid> MessageIds => [.. Envelopes.Select(e => e.GetProperty("messageId").GetGuid())];

    /// <summary>Waits (up to 30 s) until at least <paramref name="count"/> envelopes arrived; returns what arrived.</summary>
    public Task<IReadOnlyList<JsonElement>> WaitForAsync(int count) =>
        Eventually.ReachedAsync<IReadOnlyList<JsonElement>>(() => Task.FromResult<IReadOnlyList<JsonElement>>([.. Envelopes]), e => e.Count >= count);

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
