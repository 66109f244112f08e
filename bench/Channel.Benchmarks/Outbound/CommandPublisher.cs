using System.Text.Json;
using RabbitMQ.Client;

namespace Channel.Benchmarks.Outbound;

/// <summary>
/// A helpdesk-side producer without MassTransit: RabbitMQ.Client publishing <c>SendTelegramMessage</c> as raw JSON
/// (content type application/json, persistent, publisher confirms) to the command's fanout exchange, as the README's
/// "Outbound messages" documents. It notes the wall-clock time just before each publish, by idempotency key.
/// </summary>
internal sealed class CommandPublisher : IAsyncDisposable
{
    public const string Exchange = "Channel.Contracts:SendTelegramMessage";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly List<Task> _inFlight = [];

    private CommandPublisher(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    public static async Task<CommandPublisher> StartAsync(Uri broker)
    {
        var factory = new ConnectionFactory { Uri = broker };
        var connection = await factory.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await channel.ExchangeDeclareAsync(Exchange, ExchangeType.Fanout, durable: true);
        return new CommandPublisher(connection, channel);
    }

    /// <summary>Publishes one command (up to <paramref name="window"/> unconfirmed); returns the time just before the publish.</summary>
    public async Task<DateTimeOffset> PublishAsync(string accountId, long peerUserId, string idempotencyKey, int window)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new { accountId, idempotencyKey, peerUserId, text = idempotencyKey }, Json);
        var properties = new BasicProperties { Persistent = true, ContentType = "application/json", MessageId = Guid.NewGuid().ToString() };
        var at = DateTimeOffset.UtcNow;
        _inFlight.Add(_channel.BasicPublishAsync(Exchange, string.Empty, mandatory: false, properties, body).AsTask());
        if (_inFlight.Count >= window)
        {
            await FlushAsync();
        }

        return at;
    }

    /// <summary>Waits for the broker's confirms of everything published so far.</summary>
    public async Task FlushAsync()
    {
        await Task.WhenAll(_inFlight);
        _inFlight.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
