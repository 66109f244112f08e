using System.Text;
using System.Text.Json;
using RabbitMQ.Client;

namespace Channel.Service.Tests.Outbound;

/// <summary>
/// Publishes SendTelegramMessage commands as a non-.NET producer would: plain AMQP to the fanout exchange
/// Channel.Contracts:SendTelegramMessage, either as raw JSON (content type application/json) or in MassTransit's
/// envelope (application/vnd.masstransit+json).
/// </summary>
public sealed class CommandPublisher : IAsyncDisposable
{
    public const string Exchange = "Channel.Contracts:SendTelegramMessage";
    private const string Queue = "channel-send-telegram-message";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly IConnection _connection;
    private readonly IChannel _channel;

    private CommandPublisher(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    /// <summary>Connects and waits until the service consumes from its command queue (its topology is then in place).</summary>
    public static async Task<CommandPublisher> StartAsync(string connectionString, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory { Uri = new Uri(connectionString) };
        var connection = await factory.CreateConnectionAsync(cancellationToken);
        var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        await channel.ExchangeDeclareAsync(Exchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await Eventually.ReachedAsync(
            async () =>
            {
                await using var probe = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
                try
                {
                    return (await probe.QueueDeclarePassiveAsync(Queue, cancellationToken)).ConsumerCount;
                }
                catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
                {
                    return 0u;
                }
            },
            consumers => consumers > 0,
            TimeSpan.FromSeconds(60));
        return new CommandPublisher(connection, channel);
    }

    /// <summary>The command as raw JSON: the body is the command itself.</summary>
    public async Task PublishRawAsync(object command, Guid? messageId = null)
    {
        var properties = new BasicProperties
        {
            ContentType = "application/json",
            Persistent = true,
            MessageId = (messageId ?? Guid.NewGuid()).ToString(),
        };
        await _channel.BasicPublishAsync(Exchange, string.Empty, mandatory: false, properties, JsonSerializer.SerializeToUtf8Bytes(command, Json));
    }

    /// <summary>The command in MassTransit's envelope, as documented in the README.</summary>
    public async Task PublishEnvelopeAsync(object command, Guid? messageId = null)
    {
        var id = messageId ?? Guid.NewGuid();
        var envelope = new
        {
            messageId = id,
            messageType = new[] { "urn:message:Channel.Contracts:SendTelegramMessage" },
            sentTime = DateTimeOffset.UtcNow,
            message = command,
        };
        var properties = new BasicProperties { ContentType = "application/vnd.masstransit+json", Persistent = true, MessageId = id.ToString() };
        await _channel.BasicPublishAsync(Exchange, string.Empty, mandatory: false, properties, Encoding.UTF8.GetBytes(JsonSerializer.Serialize(envelope, Json)));
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
