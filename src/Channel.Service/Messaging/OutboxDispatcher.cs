using System.Text.Json;
using Channel.MTProto.Client;
using Channel.Persistence;
using Channel.Persistence.Leases;
using Channel.Persistence.Outbox;
using Channel.Service.Observability;
using Channel.Service.Replicas;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Channel.Service.Messaging;

/// <summary>
/// Publishes outbox rows in Id order with MessageId = the row's MessageId, and marks them sent only after the
/// broker confirmed them (publisher confirms; a short statement, no lock held while publishing). Within a batch each
/// account's rows are published one after the other in Id order (concurrent publishes reach the broker in any
/// order), accounts side by side; on a failure the account's chain stops, every confirmed row is marked, and the
/// dispatcher backs off (jittered, doubling) and retries from the first unsent row, so per-account order holds while
/// the broker is down and the host never crashes. Woken by <see cref="OutboxSignal"/>; polls as a safety net; prunes sent rows.
/// <para>
/// Several replicas: only the holder of the "outbox-dispatcher" lease (<see cref="ServiceLease"/>, renewed before every
/// batch, released on shutdown) publishes, so the whole outbox keeps one publisher and per-account order holds; the
/// others stand by and take over once it expires (<c>Leases:Duration</c>). A single lease rather than "rows of the
/// accounts I lease": status events of accounts nobody leases (onboarding, revoked) must be published too, and a
/// hand-over of an account would otherwise let two dispatchers interleave its rows.
/// </para>
/// </summary>
internal sealed partial class OutboxDispatcher(
    IServiceScopeFactory scopes,
    IBus bus,
    OutboxSignal signal,
    OutboxStatus status,
    IOptions<OutboxOptions> options,
    BusSettings busSettings,
    ReplicaIdentity replica,
    IOptions<LeaseOptions> leaseOptions,
    TimeProvider time,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    /// <summary>The <see cref="ServiceLease"/> name of the one replica that publishes.</summary>
    public const string LeaseName = "outbox-dispatcher";

    /// <summary>How long the batches of a busy spell share one scope and connection at most.</summary>
    private static readonly TimeSpan SessionLifetime = TimeSpan.FromMinutes(1);

    private bool _leader;
    private DateTimeOffset _renewLeaseAt = DateTimeOffset.MinValue;
    private DateTimeOffset _scanBacklogAt = DateTimeOffset.MinValue;
    private bool _backlogStale;

    /// <summary>The scope and open connection that consecutive batches share; reset after a failure and when quiet.</summary>
    private readonly ChannelDbSession _session = new(scopes, time, SessionLifetime);

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
                    await _session.ResetAsync();
                    await Task.Delay(Backoff(settings, failures), time, stoppingToken);
                    continue;
                }

                failures = 0;
                if (time.GetUtcNow() >= nextPrune)
                {
                    await PruneAsync(settings, stoppingToken);
                    nextPrune = time.GetUtcNow() + settings.PruneInterval;
                }

                if (result != BatchResult.Full
                    && !await signal.WaitAsync(_backlogStale ? settings.BacklogScanInterval : settings.PollInterval, stoppingToken))
                {
                    // Quiet: give the connection back rather than hold it through idle hours.
                    await _session.ResetAsync();
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
                await _session.ResetAsync();
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

    // Jittered so that replicas which lost the broker together do not all retry in the same instant.
#pragma warning disable CA5394 // Jitter, not security.
    internal static TimeSpan Backoff(OutboxOptions settings, int failures) =>
        ExponentialBackoff.Delay(failures, settings.RetryMinDelay, settings.RetryMaxDelay, jitter: 0.25, Random.Shared.NextDouble());
#pragma warning restore CA5394

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await _session.ResetAsync();
        if (!_leader)
        {
            return;
        }

        // Hand over at once rather than after the lease runs out.
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<AccountLeaseStore>().ReleaseServiceLeaseAsync(LeaseName, replica.InstanceId, cancellationToken);
        }
#pragma warning disable CA1031 // Shutting down: the lease runs out by itself.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogLeaseNotReleased(logger, exception);
        }
    }

    private async Task<BatchResult> DispatchBatchAsync(OutboxOptions settings, CancellationToken cancellationToken)
    {
        var services = await _session.GetAsync(cancellationToken);
        if (!await HoldLeaseAsync(services, cancellationToken))
        {
            return BatchResult.Idle;
        }

        var store = services.GetRequiredService<OutboxStore>();
        var rows = await store.GetUnsentAsync(settings.BatchSize, time.GetUtcNow(), cancellationToken);
        await ScanBacklogAsync(store, rows.Count, settings, cancellationToken);
        if (rows.Count == 0)
        {
            return BatchResult.Idle;
        }

        using var activity = ChannelTelemetry.Source.StartActivity("outbox.publish");
        activity?.SetTag("channel.outbox.rows", rows.Count);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.PublishTimeout);
        var publishable = new List<(OutboxMessage Row, object Message, Type Type)>(rows.Count);
        foreach (var row in rows)
        {
            if (!TryDeserialize(row, out var message, out var type, out var error))
            {
                // Can never be published (unknown type, broken JSON): park it so that the rest goes on.
                await store.RecordFailureAsync(row.Id, error, DateTimeOffset.MaxValue, CancellationToken.None);
                LogPoisonRow(logger, row.Id, row.MessageId, row.MessageType, error);
                continue;
            }

            publishable.Add((row, message, type));
        }

        // Each account's rows are published in Id order, one confirm at a time unless Outbox:PublishWindow allows more
        // (its order is what consumers rely on); accounts run side by side.
        var chains = publishable.GroupBy(p => p.Row.AccountId)
            .Select(group => PublishInOrderAsync([.. group], settings.PublishWindow, timeout.Token))
            .ToList();
        var outcomes = await Task.WhenAll(chains);
        var confirmed = outcomes.SelectMany(o => o.Confirmed).ToList();

        // Not cancellable: a confirmed row left unmarked would be published again.
        await store.MarkSentAsync(confirmed, time.GetUtcNow(), CancellationToken.None);
        var failures = outcomes.Where(o => o.Failed is not null).Select(o => (o.Failed!.Value.RowId, o.Failed.Value.Error)).ToList();
        if (failures.Count > 0)
        {
            foreach (var (rowId, error) in failures)
            {
                await store.RecordFailureAsync(rowId, error, parkUntil: null, CancellationToken.None);
                LogPublishFailed(logger, rowId, confirmed.Count, error);
            }

            status.PublishFailed(failures[0].Error);
            return cancellationToken.IsCancellationRequested ? BatchResult.Idle : BatchResult.Failed;
        }

        status.Published(time.GetUtcNow());
        if (confirmed.Count > 0)
        {
            LogPublished(logger, confirmed.Count);
        }

        return rows.Count >= settings.BatchSize ? BatchResult.Full : BatchResult.Drained;
    }

    /// <summary>
    /// Takes or renews the dispatcher lease, but writes only every <c>Leases:RenewInterval</c> while it is held: a
    /// statement per batch was a database write per handful of messages. The lease lasts <c>Leases:Duration</c>, well
    /// past the next renewal, so no other replica can take it meanwhile.
    /// </summary>
    private async Task<bool> HoldLeaseAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_leader && now < _renewLeaseAt)
        {
            return true;
        }

        var leases = leaseOptions.Value;
        var leader = await services.GetRequiredService<AccountLeaseStore>()
            .TryHoldServiceLeaseAsync(LeaseName, replica.InstanceId, now, now + leases.Duration, cancellationToken);
        _renewLeaseAt = leader ? now + leases.RenewInterval : DateTimeOffset.MinValue;
        if (leader != _leader)
        {
            _leader = leader;
            LogLeadership(logger, replica.InstanceId, leader);
        }

        return leader;
    }

    /// <summary>
    /// Refreshes the backlog figures (health, metrics): at once when nothing is left to read, otherwise at most every
    /// <see cref="OutboxOptions.BacklogScanInterval"/>. The count reads every unsent row; under a backlog of thousands,
    /// counting before every batch cost more than publishing it. A skipped count makes the dispatcher look again within
    /// that interval once it is idle, so the figures settle soon after a drain.
    /// </summary>
    private async Task ScanBacklogAsync(OutboxStore store, int rowsRead, OutboxOptions settings, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (rowsRead > 0 && now < _scanBacklogAt)
        {
            _backlogStale = true;
            return;
        }

        var backlog = await store.GetBacklogAsync(cancellationToken);
        status.Scanned(backlog.Count, backlog.OldestCreatedAt);
        _scanBacklogAt = now + settings.BacklogScanInterval;
        _backlogStale = false;
    }

    /// <summary>
    /// Publishes one account's rows, started in Id order, with up to <paramref name="window"/> awaiting their confirms.
    /// With a window of 1 (the default) each waits for the previous one's confirm, so they reach the exchange in order.
    /// With more, concurrent publishes can overtake each other inside MassTransit (continuations resumed out of order;
    /// a test saw a whole window arrive reversed right after start-up), so order is the consumer's, by Sequence. The
    /// first row still goes alone, so that set-up (send endpoint, exchange, channel) is awaited once. After a failure
    /// nothing more is started; the ones in flight are still awaited, and those confirmed count as sent (they were
    /// delivered); the failed row is retried.
    /// </summary>
    private async Task<ChainOutcome> PublishInOrderAsync(
        List<(OutboxMessage Row, object Message, Type Type)> rows, int window, CancellationToken cancellationToken)
    {
        var confirmed = new List<long>(rows.Count);
        var inFlight = new Queue<(long RowId, Task Publish)>(Math.Min(window, rows.Count));
        (long RowId, string Error)? failed = null;
        var next = 0;
        while (true)
        {
            var limit = confirmed.Count == 0 ? 1 : window;
            while (failed is null && next < rows.Count && inFlight.Count < limit)
            {
                var (row, message, type) = rows[next++];
                inFlight.Enqueue((row.Id, Publish(row.MessageId, message, type, cancellationToken)));
            }

            if (!inFlight.TryDequeue(out var oldest))
            {
                return new ChainOutcome(confirmed, failed);
            }

            try
            {
                await oldest.Publish;
                confirmed.Add(oldest.RowId);
            }
#pragma warning disable CA1031 // Any failure leaves the row unsent, to be retried.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                failed ??= (oldest.RowId, exception is OperationCanceledException
                    ? "The broker did not confirm within Outbox:PublishTimeout."
                    : $"{exception.GetType().Name}: {exception.Message}");
            }
        }
    }

    private Task Publish(Guid messageId, object message, Type type, CancellationToken cancellationToken)
    {
        try
        {
            return bus.Publish(message, type, Pipe.Execute<PublishContext>(context => context.MessageId = messageId), cancellationToken);
        }
#pragma warning disable CA1031 // A publish that throws before it returns a task fails like one whose task faults.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return Task.FromException(exception);
        }
    }

    private sealed record ChainOutcome(List<long> Confirmed, (long RowId, string Error)? Failed);

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

    [LoggerMessage(EventId = 4090, Level = LogLevel.Information, Message = "Outbox dispatcher of replica {InstanceId}: publishing {Leader} (the outbox-dispatcher lease).")]
    private static partial void LogLeadership(ILogger logger, string instanceId, bool leader);

    [LoggerMessage(EventId = 4091, Level = LogLevel.Warning, Message = "The outbox-dispatcher lease could not be released at shutdown; another replica takes it when it runs out.")]
    private static partial void LogLeaseNotReleased(ILogger logger, Exception exception);
}
