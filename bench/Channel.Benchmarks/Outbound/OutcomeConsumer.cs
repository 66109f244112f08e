using System.Diagnostics;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Channel.Benchmarks.Outbound;

/// <summary>
/// A plain AMQP consumer of the outcome events (<c>OutboundMessageSent</c>, <c>OutboundMessageFailed</c>; MassTransit
/// envelopes): counts the current phase's outcomes (idempotency keys starting with its prefix), keeps the failure
/// reasons, and the time the last one arrived.
/// </summary>
internal sealed class OutcomeConsumer : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly Lock _lock = new();
    private readonly HashSet<string> _sent = [];
    private readonly Dictionary<string, int> _failures = [];
    private string _prefix = "\0";
    private int _expected;
    private long _lastSent;
    private TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private OutcomeConsumer(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    public static async Task<OutcomeConsumer> StartAsync(Uri broker)
    {
        var factory = new ConnectionFactory { Uri = broker };
        var connection = await factory.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        var queue = await channel.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: true);
        foreach (var exchange in new[] { "Channel.Contracts:OutboundMessageSent", "Channel.Contracts:OutboundMessageFailed" })
        {
            await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true);
            await channel.QueueBindAsync(queue.QueueName, exchange, string.Empty);
        }

        await channel.BasicQosAsync(0, 2000, false);
        var consumer = new OutcomeConsumer(connection, channel);
        var basic = new AsyncEventingBasicConsumer(channel);
        basic.ReceivedAsync += (_, delivery) =>
        {
            consumer.OnMessage(delivery.Body.Span);
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue.QueueName, autoAck: true, basic);
        return consumer;
    }

    /// <summary>Starts counting outcomes whose key starts with <paramref name="prefix"/>; completes at <paramref name="expected"/> distinct keys sent or at the first failure.</summary>
    public Task Expect(string prefix, int expected)
    {
        lock (_lock)
        {
            _prefix = prefix;
            _expected = expected;
            _sent.Clear();
            _failures.Clear();
            _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _done.Task;
        }
    }

    /// <summary>(distinct keys sent, failures by reason, Stopwatch timestamp of the last sent).</summary>
    public (int Sent, Dictionary<string, int> Failures, long LastSent) Snapshot()
    {
        lock (_lock)
        {
            return (_sent.Count, new Dictionary<string, int>(_failures), _lastSent);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }

    private void OnMessage(ReadOnlySpan<byte> body)
    {
        using var json = JsonDocument.Parse(body.ToArray());
        var message = json.RootElement.GetProperty("message");
        var key = message.GetProperty("idempotencyKey").GetString() ?? string.Empty;
        var reason = message.TryGetProperty("reason", out var r) ? r.GetString() ?? "?" : null;
        lock (_lock)
        {
            if (!key.StartsWith(_prefix, StringComparison.Ordinal))
            {
                return;
            }

            if (reason is not null)
            {
                _failures[reason] = _failures.GetValueOrDefault(reason) + 1;
                _done.TrySetResult();
                return;
            }

            _sent.Add(key);
            _lastSent = Stopwatch.GetTimestamp();
            if (_sent.Count >= _expected)
            {
                _done.TrySetResult();
            }
        }
    }
}
