using System.Diagnostics;
using RabbitMQ.Client;

namespace Channel.Benchmarks.Inbound;

/// <summary>
/// The ceiling: RabbitMQ.Client alone publishing persistent messages with publisher confirms to a fanout exchange
/// with a bound queue, one at a time (the dispatcher's per-account chain) and with a window of publishes in flight.
/// </summary>
internal static class RawPublisher
{
    public static async Task<double> PublishAsync(Uri broker, string exchange, byte[] body, int count, int window)
    {
        var factory = new ConnectionFactory { Uri = broker };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var properties = new BasicProperties { Persistent = true, ContentType = "application/vnd.masstransit+json" };
        var watch = Stopwatch.StartNew();
        var inFlight = new List<Task>(window);
        for (var i = 0; i < count; i++)
        {
            inFlight.Add(channel.BasicPublishAsync(exchange, string.Empty, mandatory: false, properties, body).AsTask());
            if (inFlight.Count >= window)
            {
                await Task.WhenAll(inFlight);
                inFlight.Clear();
            }
        }

        await Task.WhenAll(inFlight);
        return count / watch.Elapsed.TotalSeconds;
    }
}
