using System.Diagnostics.Metrics;
using Channel.Domain.Accounts;
using Channel.Persistence;
using Channel.Service.Messaging;
using Channel.Service.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Channel.Service.Observability;

/// <summary>
/// The service's own metrics (Meter <see cref="MeterName"/>): accounts by status (from the database, cached for
/// <see cref="AccountCountsMaxAge"/> so a scrape costs at most one query per interval), accounts connected by this
/// replica, inbound and outbound messages, and the outbox backlog and the age of its oldest row. The MTProto client's
/// own metrics (latency by method, flood waits, reconnects) come from <c>Channel.MTProto.Client.MTProtoTelemetry</c>.
/// </summary>
internal sealed class ChannelMetrics
{
    public const string MeterName = "Channel";
    public static readonly TimeSpan AccountCountsMaxAge = TimeSpan.FromSeconds(15);

    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly Counter<long> _inbound;
    private readonly Counter<long> _outbound;
    private readonly Lock _lock = new();
    private (DateTimeOffset At, Dictionary<AccountStatus, int> Counts)? _accountCounts;

    public ChannelMetrics(IMeterFactory meters, IServiceScopeFactory scopes, IServiceProvider services, OutboxStatus outbox, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _scopes = scopes;
        _time = time;
        var meter = meters.Create(MeterName);
        _inbound = meter.CreateCounter<long>("channel.inbound.messages", description: "Inbound events (messages, edits, deletions, reads) stored in the outbox, by event type.");
        _outbound = meter.CreateCounter<long>("channel.outbound.messages", description: "Outbound messages sent to Telegram, by outcome.");
        meter.CreateObservableGauge("channel.accounts", ObserveAccounts, description: "Telegram accounts by status (all replicas; from the database).");
        meter.CreateObservableGauge(
            "channel.accounts.connected",
            () => services.GetService<AccountRuntime>() is { } runtime ? runtime.Counts.Connected : 0,
            description: "Accounts whose live connection this replica holds and is connected now.");
        meter.CreateObservableGauge("channel.outbox.backlog", () => outbox.Backlog, description: "Outbox rows not yet confirmed by the broker.");
        meter.CreateObservableGauge(
            "channel.outbox.oldest_age", () => outbox.OldestUnsentAge?.TotalSeconds ?? 0, unit: "s", description: "How long the oldest unsent outbox row has waited.");
    }

    /// <summary>One inbound event of <paramref name="eventType"/> stored (not replays).</summary>
    public void InboundStored(string eventType, int count) =>
        _inbound.Add(count, new KeyValuePair<string, object?>("event.type", eventType));

    /// <summary>For the outbound service: one message handed to Telegram, with its outcome ("sent", "failed", "flood_wait").</summary>
    public void OutboundSent(string outcome) => _outbound.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    private IEnumerable<Measurement<int>> ObserveAccounts()
    {
        var counts = AccountCounts();
        return Enum.GetValues<AccountStatus>().Select(status => new Measurement<int>(
            counts.GetValueOrDefault(status), new KeyValuePair<string, object?>("status", status.ToString())));
    }

    private Dictionary<AccountStatus, int> AccountCounts()
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (_accountCounts is { } cached && now - cached.At < AccountCountsMaxAge)
            {
                return cached.Counts;
            }
        }

        Dictionary<AccountStatus, int> counts;
        try
        {
            // Observable callbacks are synchronous; at most one small GROUP BY per AccountCountsMaxAge.
            using var scope = _scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
            counts = db.Accounts.AsNoTracking().GroupBy(a => a.Status).Select(g => new { g.Key, Count = g.Count() }).ToDictionary(g => g.Key, g => g.Count);
        }
        catch (Exception exception) when (exception is InvalidOperationException or System.Data.Common.DbException)
        {
            // The database is down: readiness says so; the gauge keeps its last figures.
            lock (_lock)
            {
                return _accountCounts?.Counts ?? [];
            }
        }

        lock (_lock)
        {
            _accountCounts = (now, counts);
        }

        return counts;
    }
}
