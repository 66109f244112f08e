using System.Text.Json;
using Channel.Persistence.Outbox;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Channel.Service.Messaging;

/// <summary>
/// Publishes outbox rows in Id order with MessageId = the row's MessageId, and marks them sent only after the
/// broker confirmed them (publisher confirms; a short statement, no lock held while publishing). A batch's publishes
/// start in Id order and are awaited together; on a failure every confirmed row is marked and the dispatcher backs
/// off (jittered, doubling) and retries from the first failed row, so per-account order holds while the broker is
/// down and never crashes the host. Woken by <see cref="OutboxSignal"/>; polls as a safety net; prunes sent rows.
/// One dispatcher per database: several replicas would publish the same rows (no leases yet).
/// </summary>
internal sealed partial class OutboxDispatcher(
    IServiceScopeFactory scopes,
    IBus bus,
    OutboxSignal signal,
    OutboxStatus status,
    IOptions<OutboxOptions> options,
    BusSettings busSettings,
    TimeProvider time,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private enum BatchResult
    {
        Idle,
        Drained,
        Full,
        Failed,
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (busSettings.Transport == BusTransport.InMemory)
        {
            LogInMemoryTransport(logger);
        }

        var settings = options.Value;
        var failures = 0;
        var nextPrune = time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var result = await DispatchBatchAsync(settings, stoppingToken);
                if (result == BatchResult.Failed)
                {
                    failures++;
                    await Task.Delay(Backoff(settings, failures), time, stoppingToken);
                    continue;
                }

                failures = 0;
                if (time.GetUtcNow() >= nextPrune)
                {
                    await PruneAsync(settings, stoppingToken);
                    nextPrune = time.GetUtcNow() + settings.PruneInterval;
                }

                if (result != BatchResult.Full)
                {
                    await signal.WaitAsync(settings.PollInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // The dispatcher must survive a database outage; it retries.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                failures++;
                LogDispatchFailed(logger, exception);
                try
                {
                    await Task.Delay(Backoff(settings, failures), time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    internal static TimeSpan Backoff(OutboxOptions settings, int failures)
    {
        var exponent = Math.Min(failures - 1, 20);
        var ceiling = Math.Min(settings.RetryMaxDelay.TotalMilliseconds, settings.RetryMinDelay.TotalMilliseconds * Math.Pow(2, exponent));
#pragma warning disable CA5394 // Jitter, not security.
        return TimeSpan.FromMilliseconds(ceiling * (0.5 + (Random.Shared.NextDouble() / 2)));
#pragma warning restore CA5394
    }

    private async Task<BatchResult> DispatchBatchAsync(OutboxOptions settings, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<OutboxStore>();
        var backlog = await store.GetBacklogAsync(cancellationToken);
        status.Scanned(backlog.Count, backlog.OldestCreatedAt);
        if (backlog.Count == 0)
        {
            return BatchResult.Idle;
        }

        var rows = await store.GetUnsentAsync(settings.BatchSize, time.GetUtcNow(), cancellationToken);
        if (rows.Count == 0)
        {
            return BatchResult.Idle;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.PublishTimeout);
        var publishes = new List<(OutboxMessage Row, Task Task)>(rows.Count);
        foreach (var row in rows)
        {
            if (!TryDeserialize(row, out var message, out var type, out var error))
            {
                // Can never be published (unknown type, broken JSON): park it so that the rest goes on.
                await store.RecordFailureAsync(row.Id, error, DateTimeOffset.MaxValue, CancellationToken.None);
                LogPoisonRow(logger, row.Id, row.MessageId, row.MessageType, error);
                continue;
            }

            publishes.Add((row, PublishAsync(message, type, row.MessageId, timeout.Token)));
        }

        try
        {
            await Task.WhenAll(publishes.Select(p => p.Task));
        }
#pragma warning disable CA1031 // Each publish's outcome is looked at below.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        var confirmed = publishes.Where(p => p.Task.IsCompletedSuccessfully).Select(p => p.Row.Id).ToList();

        // Not cancellable: a confirmed row left unmarked would be published again.
        await store.MarkSentAsync(confirmed, time.GetUtcNow(), CancellationToken.None);
        var failed = publishes.FirstOrDefault(p => !p.Task.IsCompletedSuccessfully);
        if (failed.Row is not null)
        {
            var exception = failed.Task.Exception?.GetBaseException();
            var error = exception is null ? "Publish timed out or was cancelled." : $"{exception.GetType().Name}: {exception.Message}";
            await store.RecordFailureAsync(failed.Row.Id, error, parkUntil: null, CancellationToken.None);
            status.PublishFailed(error);
            LogPublishFailed(logger, failed.Row.Id, confirmed.Count, error);
            return cancellationToken.IsCancellationRequested ? BatchResult.Idle : BatchResult.Failed;
        }

        status.Published(time.GetUtcNow());
        if (confirmed.Count > 0)
        {
            LogPublished(logger, confirmed.Count);
        }

        return rows.Count >= settings.BatchSize ? BatchResult.Full : BatchResult.Drained;
    }

    private async Task PublishAsync(object message, Type type, Guid messageId, CancellationToken cancellationToken) =>
        await bus.Publish(message, type, Pipe.Execute<PublishContext>(context => context.MessageId = messageId), cancellationToken);

    private static bool TryDeserialize(OutboxMessage row, out object message, out Type type, out string error)
    {
        message = null!;
        error = string.Empty;
        if (!OutboxMessageTypes.TryResolve(row.MessageType, out var resolved))
        {
            type = typeof(object);
            error = $"Unknown message type '{row.MessageType}'.";
            return false;
        }

        type = resolved;
        try
        {
            if (JsonSerializer.Deserialize(row.Body, resolved, OutboxMessageTypes.JsonOptions) is { } value)
            {
                message = value;
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

    private async Task PruneAsync(OutboxOptions settings, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<OutboxStore>();
        var pruned = await store.PruneAsync(time.GetUtcNow() - settings.Retention, cancellationToken);
        if (pruned > 0)
        {
            LogPruned(logger, pruned);
        }
    }

    [LoggerMessage(EventId = 6000, Level = LogLevel.Warning, Message = "Bus:Transport is InMemory: events are published in-process only and go nowhere durable. Set Bus:Transport=RabbitMq and ConnectionStrings:RabbitMq for production.")]
    private static partial void LogInMemoryTransport(ILogger logger);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Publishing outbox row {RowId} failed ({Error}); {Confirmed} row(s) of the batch were confirmed. Retrying with back-off.")]
    private static partial void LogPublishFailed(ILogger logger, long rowId, int confirmed, string error);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Error, Message = "Outbox row {RowId} (message {MessageId}, type {MessageType}) can never be published and is parked: {Error}")]
    private static partial void LogPoisonRow(ILogger logger, long rowId, Guid messageId, string messageType, string error);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Error, Message = "The outbox dispatcher failed (database?); retrying with back-off.")]
    private static partial void LogDispatchFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Debug, Message = "Published {Count} outbox row(s).")]
    private static partial void LogPublished(ILogger logger, int count);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Information, Message = "Pruned {Count} sent outbox row(s).")]
    private static partial void LogPruned(ILogger logger, int count);
}
