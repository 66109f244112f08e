using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Channel.Service.Messaging;

/// <summary>
/// One connection and one channel in confirm mode, tracking each publish's confirm by its delivery tag. Publishes on one
/// channel are routed in the order they are written, so a caller that writes in order gets its order on the exchange,
/// however many confirms it awaits at once. Once the channel is lost, every unconfirmed publish fails and the instance is
/// done (<see cref="IsOpen"/> false): <see cref="DirectOutboxTransport"/> opens a new one. Writes are not thread-safe; the
/// transport serializes them.
/// </summary>
internal sealed class ConfirmingPublishChannel : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly SortedDictionary<ulong, TaskCompletionSource> _unconfirmed = [];
    private readonly HashSet<string> _declaredExchanges = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private string? _lost;

    private ConfirmingPublishChannel(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
        channel.BasicAcksAsync += (_, args) => Settle(args.DeliveryTag, args.Multiple, refusal: null);
        channel.BasicNacksAsync += (_, args) => Settle(args.DeliveryTag, args.Multiple, refusal: "The broker refused the publish (nack).");
        channel.ChannelShutdownAsync += (_, args) => Lose($"The channel closed: {args.ReplyCode} {args.ReplyText}");
        connection.ConnectionShutdownAsync += (_, args) => Lose($"The connection closed: {args.ReplyCode} {args.ReplyText}");
    }

    public bool IsOpen
    {
        get
        {
            lock (_gate)
            {
                return _lost is null && _channel.IsOpen;
            }
        }
    }

    public static async Task<ConfirmingPublishChannel> OpenAsync(ConnectionFactory factory, CancellationToken cancellationToken)
    {
        var connection = await factory.CreateConnectionAsync(cancellationToken);
        try
        {
            var channel = await connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: false), cancellationToken);
            return new ConfirmingPublishChannel(connection, channel);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Writes one persistent message to a durable fanout exchange (declared the first time, as MassTransit declares it).
    /// Returns once written; the task it returns completes on the confirm.
    /// </summary>
    public async ValueTask<Task> PublishAsync(string exchange, BasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        if (!_declaredExchanges.Contains(exchange))
        {
            await _channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);
            _declaredExchanges.Add(exchange);
        }

        var confirm = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tag = await _channel.GetNextPublishSequenceNumberAsync(cancellationToken);
        lock (_gate)
        {
            if (_lost is { } reason)
            {
                throw new BrokerPublishException(reason);
            }

            _unconfirmed.Add(tag, confirm);
        }

        try
        {
            await _channel.BasicPublishAsync(exchange, string.Empty, mandatory: false, properties, body, cancellationToken);
        }
        catch (Exception exception)
        {
            // A write cut short leaves the channel in an unknown state: no more publishes on it.
            await Lose($"Writing the publish failed: {exception.Message}");
            throw;
        }

        return confirm.Task;
    }

    public async ValueTask DisposeAsync()
    {
        await Lose("The publisher closed.");
        try
        {
            await _channel.CloseAsync();
            await _connection.CloseAsync();
        }
#pragma warning disable CA1031 // Closing a broken connection: nothing left to do with a failure.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }

    private Task Settle(ulong tag, bool multiple, string? refusal)
    {
        List<TaskCompletionSource> settled = [];
        lock (_gate)
        {
            if (multiple)
            {
                while (_unconfirmed.Count > 0 && _unconfirmed.First() is var (first, confirm) && first <= tag)
                {
                    _unconfirmed.Remove(first);
                    settled.Add(confirm);
                }
            }
            else if (_unconfirmed.Remove(tag, out var confirm))
            {
                settled.Add(confirm);
            }
        }

        foreach (var confirm in settled)
        {
            if (refusal is null)
            {
                confirm.TrySetResult();
            }
            else
            {
                confirm.TrySetException(new BrokerPublishException(refusal));
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Fails every unconfirmed publish: the broker may or may not have them, so they are published again.</summary>
    private Task Lose(string reason)
    {
        List<TaskCompletionSource> failed;
        lock (_gate)
        {
            _lost ??= reason;
            failed = [.. _unconfirmed.Values];
            _unconfirmed.Clear();
        }

        foreach (var confirm in failed)
        {
            confirm.TrySetException(new BrokerPublishException(reason));
        }

        return Task.CompletedTask;
    }
}
