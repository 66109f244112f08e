using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using Channel.Persistence.Outbox;
using MassTransit;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace Channel.Service.Messaging;

/// <summary>
/// The outbox's own RabbitMQ publisher (<c>Outbox:Publisher=Direct</c>, the default with RabbitMQ). It writes the
/// envelope MassTransit would (<see cref="MassTransitEnvelopeWriter"/>) to the exchange MassTransit would, on a
/// connection of its own in confirm mode, one publish at a time on the wire and up to <c>Outbox:PublishWindow</c> of an
/// account's publishes awaiting confirms. Why not MassTransit's publish: its concurrent publishes do not keep their
/// order, so an account's events had to wait for one confirm each (one broker round trip per event, about 300 µs
/// here); on one channel, the order they are written in is the order they are routed in.
/// </summary>
internal sealed partial class DirectOutboxTransport(
    BusSettings busSettings, IBus bus, IOptions<OutboxOptions> options, TimeProvider time, ILogger<DirectOutboxTransport> logger)
    : IOutboxTransport, IAsyncDisposable
{
    private readonly SemaphoreSlim _writes = new(1, 1);
    private readonly Lazy<MassTransitEnvelopeWriter> _envelopes = new(() => new MassTransitEnvelopeWriter(bus.Address, HostAddress(busSettings)));
    private ConfirmingPublishChannel? _channel;
    private bool _disposed;

    public int Window => options.Value.PublishWindow;

    public bool TryPrepare(OutboxMessage row, [NotNullWhen(true)] out OutboxPublish? publish, out string error)
    {
        ArgumentNullException.ThrowIfNull(row);
        publish = null;
        if (!OutboxMessageTypes.TryResolve(row.MessageType, out _))
        {
            error = $"Unknown message type '{row.MessageType}'.";
            return false;
        }

        try
        {
            var envelope = _envelopes.Value.Write(row.MessageId, row.MessageType, row.Body, time.GetUtcNow());
            publish = new OutboxPublish(row.Id, row.MessageId, row.MessageType, envelope);
            error = string.Empty;
            return true;
        }
        catch (Exception exception) when (exception is ArgumentException or JsonException)
        {
            // The exception's message names the position, not the content.
            error = $"Unreadable body: {exception.Message}";
            return false;
        }
    }

    public async ValueTask<Task> StartAsync(OutboxPublish publish, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(publish);
        // MassTransit's convention, as in the envelope: the EventId is the correlation id too.
        var messageId = publish.MessageId.ToString();
        var properties = new BasicProperties
        {
            MessageId = messageId,
            CorrelationId = messageId,
            ContentType = MassTransitEnvelopeWriter.ContentType,
            Persistent = true,
        };
        await _writes.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_channel is not { IsOpen: true })
            {
                await ReplaceChannelAsync(cancellationToken);
            }

            return await _channel!.PublishAsync(
                MassTransitEnvelopeWriter.ExchangeOf(publish.MessageType), properties, (ReadOnlyMemory<byte>)publish.Payload, cancellationToken);
        }
        finally
        {
            _writes.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _writes.WaitAsync();
        try
        {
            _disposed = true;
            if (_channel is { } channel)
            {
                _channel = null;
                await channel.DisposeAsync();
            }
        }
        finally
        {
            _writes.Release();
        }

        _writes.Dispose();
    }

    /// <summary>rabbitmq://host:port/vhost/, as MassTransit writes its addresses (no vhost segment for "/").</summary>
    internal static string HostAddress(BusSettings settings)
    {
        var scheme = settings.UsesTls ? "rabbitmqs" : "rabbitmq";
        var vhost = settings.RabbitMqVirtualHost == "/" ? string.Empty : Uri.EscapeDataString(settings.RabbitMqVirtualHost) + "/";
        return string.Create(CultureInfo.InvariantCulture, $"{scheme}://{settings.RabbitMqHost}:{settings.RabbitMqPort}/{vhost}");
    }

    private async Task ReplaceChannelAsync(CancellationToken cancellationToken)
    {
        if (_channel is { } lost)
        {
            _channel = null;
            await lost.DisposeAsync();
        }

        var factory = new ConnectionFactory
        {
            HostName = busSettings.RabbitMqHost,
            Port = busSettings.RabbitMqPort,
            VirtualHost = busSettings.RabbitMqVirtualHost,
            ClientProvidedName = "channel-outbox",
            // Recovery is ours: a lost channel fails its unconfirmed publishes, the dispatcher backs off and publishes
            // them again from the outbox on a new connection.
            AutomaticRecoveryEnabled = false,
            TopologyRecoveryEnabled = false,
        };
        if (busSettings.RabbitMqUsername is { } username)
        {
            factory.UserName = username;
        }

        if (busSettings.RabbitMqPassword is { } password)
        {
            factory.Password = password;
        }

        if (busSettings.UsesTls)
        {
            factory.Ssl = new SslOption { Enabled = true, ServerName = busSettings.RabbitMqHost };
        }

        _channel = await ConfirmingPublishChannel.OpenAsync(factory, cancellationToken);
        LogConnected(logger, busSettings.RabbitMqHost, busSettings.RabbitMqPort);
    }

    [LoggerMessage(EventId = 6010, Level = LogLevel.Information, Message = "The outbox publisher connected to RabbitMQ at {Host}:{Port}.")]
    private static partial void LogConnected(ILogger logger, string host, int port);
}
