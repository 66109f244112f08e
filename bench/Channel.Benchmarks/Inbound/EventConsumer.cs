using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Channel.Benchmarks.Inbound;

/// <summary>
/// A plain AMQP consumer (RabbitMQ.Client, no MassTransit), as a helpdesk would run it: a server-named queue bound
/// to a fanout exchange, auto-ack. It counts the messages of the current phase (texts starting with its prefix),
/// the distinct event ids, and, for texts the emulator stamped with its send time, the latency to this process.
/// </summary>
internal sealed class EventConsumer : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly Lock _lock = new();
    private readonly HashSet<string> _eventIds = [];
    private readonly List<double> _latencies = [];
    private string _prefix = "\0";
    private int _expected;
    private int _received;
    private long _lastReceived;
    private TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private EventConsumer(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    /// <summary>The last body received (a real envelope, the raw publisher's payload).</summary>
    public byte[] LastBody { get; private set; } = [];

    public static async Task<EventConsumer> StartAsync(Uri broker, string exchange, bool envelope)
    {
        var factory = new ConnectionFactory { Uri = broker };
        var connection = await factory.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true);
        var queue = await channel.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: true);
        await channel.QueueBindAsync(queue.QueueName, exchange, string.Empty);
        await channel.BasicQosAsync(0, 2000, false);
        var consumer = new EventConsumer(connection, channel);
        var basic = new AsyncEventingBasicConsumer(channel);
        basic.ReceivedAsync += (_, delivery) =>
        {
            consumer.OnMessage(delivery.Body.Span, envelope);
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue.QueueName, autoAck: true, basic);
        return consumer;
    }

    /// <summary>Starts counting texts that start with <paramref name="prefix"/>; the task completes at <paramref name="expected"/>.</summary>
    public Task Expect(string prefix, int expected)
    {
        lock (_lock)
        {
            _prefix = prefix;
            _expected = expected;
            _received = 0;
            _eventIds.Clear();
            _latencies.Clear();
            _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _done.Task;
        }
    }

    /// <summary>(received, distinct event ids, Stopwatch timestamp of the last one, latencies in ms).</summary>
    public (int Received, int Distinct, long LastReceived, List<double> Latencies) Snapshot()
    {
        lock (_lock)
        {
            return (_received, _eventIds.Count, _lastReceived, [.. _latencies]);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }

    private void OnMessage(ReadOnlySpan<byte> body, bool envelope)
    {
        var now = DateTime.UtcNow.Ticks;
        string text;
        string eventId;
        if (envelope)
        {
            using var json = JsonDocument.Parse(body.ToArray());
            var message = json.RootElement.GetProperty("message");
            text = message.GetProperty("text").GetString() ?? string.Empty;
            eventId = message.GetProperty("eventId").GetString() ?? string.Empty;
        }
        else
        {
            text = _prefix;
            eventId = string.Empty;
        }

        lock (_lock)
        {
            LastBody = body.ToArray();
            if (!text.StartsWith(_prefix, StringComparison.Ordinal))
            {
                return;
            }

            _received++;
            _lastReceived = Stopwatch.GetTimestamp();
            if (envelope)
            {
                _eventIds.Add(eventId);
            }

            var at = text.LastIndexOf(" @", StringComparison.Ordinal);
            if (at >= 0 && long.TryParse(text.AsSpan(at + 2), NumberStyles.None, CultureInfo.InvariantCulture, out var sentMicroseconds))
            {
                var sentTicks = DateTime.UnixEpoch.Ticks + (sentMicroseconds * 10);
                _latencies.Add((now - sentTicks) / (double)TimeSpan.TicksPerMillisecond);
            }

            if (_received >= _expected)
            {
                _done.TrySetResult();
            }
        }
    }
}
