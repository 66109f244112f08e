using System.Threading.Channels;
using Channel.Domain.Accounts;
using Channel.Persistence;
using Channel.Persistence.Leases;
using Channel.Persistence.Outbox;
using Channel.Persistence.Secrets;
using Channel.Persistence.Updates;
using Channel.Service.Observability;
using Microsoft.EntityFrameworkCore;

namespace Channel.Service.Runtime;

/// <summary>
/// Stores the accounts' batches (<see cref="InboundBatchHandler"/>): each batch's new events go to the outbox and its
/// account's advanced update state to AccountUpdateStates <em>in one transaction</em>; a fact already in the outbox
/// (same EventId) is not added twice and takes no new Sequence. Every account's part is fenced by its lease first
/// (<see cref="AccountLeaseStore.FenceAllAsync"/>).
/// <para>
/// Group commit: one loop writes the batches that are waiting, from every account, in one transaction (up to
/// <see cref="MaxRequestsPerTransaction"/>). Under a stream spread over many accounts a transaction per batch was most
/// of the service's CPU (scope, context, statements, commit) and kept the accounts queueing for the database's single
/// writer; one transaction for all that waits costs little more than one for a single batch. Should the group fail,
/// each batch is written again on its own, so one bad batch (or a lost lease) fails only its account.
/// </para>
/// </summary>
internal sealed partial class InboundStoreWriter : IAsyncDisposable
{
    /// <summary>Batches written in one transaction at most.</summary>
    internal const int MaxRequestsPerTransaction = 64;

    private readonly OutboxWriter _outbox;
    private readonly ChannelMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<InboundStoreRequest> _requests = System.Threading.Channels.Channel.CreateUnbounded<InboundStoreRequest>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly ChannelDbSession _session;
    private readonly Task _loop;

    public InboundStoreWriter(IServiceScopeFactory scopes, OutboxWriter outbox, ChannelMetrics metrics, TimeProvider time, ILogger<InboundStoreWriter> logger)
    {
        _outbox = outbox;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _session = new ChannelDbSession(scopes, time);
        _loop = Task.Run(WriteLoopAsync);
    }

    /// <summary>Writes the request (with whatever else is waiting); returns its new events once committed.</summary>
    /// <exception cref="LeaseLostException">The account's lease is no longer this replica's; nothing was written.</exception>
    public Task<List<PendingEvent>> StoreAsync(InboundStoreRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_requests.Writer.TryWrite(request))
        {
            throw new ObjectDisposedException(nameof(InboundStoreWriter));
        }

        return request.Completion.Task.WaitAsync(request.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _requests.Writer.TryComplete();
        await _stopping.CancelAsync();
        await _loop;
        _stopping.Dispose();
    }

    private async Task WriteLoopAsync()
    {
        var reader = _requests.Reader;
        var group = new List<InboundStoreRequest>(MaxRequestsPerTransaction);
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token))
            {
                group.Clear();
                while (group.Count < MaxRequestsPerTransaction && reader.TryRead(out var request))
                {
                    if (request.CancellationToken.IsCancellationRequested)
                    {
                        request.Completion.TrySetCanceled(request.CancellationToken);
                        continue;
                    }

                    group.Add(request);
                }

                if (group.Count > 0)
                {
                    await WriteAsync(group);
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        finally
        {
            // Stopping: what was not written is not acknowledged, so the engines get it again from Telegram.
            foreach (var left in group.Concat(Drain(reader)))
            {
                left.Completion.TrySetCanceled();
            }

            await _session.DisposeAsync();
        }
    }

    private static IEnumerable<InboundStoreRequest> Drain(ChannelReader<InboundStoreRequest> reader)
    {
        while (reader.TryRead(out var request))
        {
            yield return request;
        }
    }

    private async Task WriteAsync(List<InboundStoreRequest> group)
    {
        try
        {
            Complete(group, await WriteGroupAsync(group));
            return;
        }
#pragma warning disable CA1031 // Every failure goes to the batch it belongs to; the loop goes on.
        catch (Exception exception) when (group.Count == 1)
        {
            group[0].Completion.TrySetException(exception);
            return;
        }
        catch (Exception exception)
        {
            LogGroupFailed(_logger, exception, group.Count);
        }

        foreach (var request in group)
        {
            try
            {
                Complete([request], await WriteGroupAsync([request]));
            }
            catch (Exception exception)
            {
                request.Completion.TrySetException(exception);
            }
        }
#pragma warning restore CA1031
    }

    private void Complete(List<InboundStoreRequest> group, List<PendingEvent>[] added)
    {
        for (var i = 0; i < group.Count; i++)
        {
            foreach (var kind in added[i].GroupBy(e => e.EventType))
            {
                _metrics.InboundStored(kind.Key, kind.Count());
            }

            group[i].Completion.TrySetResult(added[i]);
        }
    }

    /// <summary>Writes the group in one transaction, in the scope consecutive groups share; a failure resets that scope.</summary>
    private async Task<List<PendingEvent>[]> WriteGroupAsync(List<InboundStoreRequest> group)
    {
        try
        {
            return await WriteGroupAsync(group, await _session.GetAsync(_stopping.Token));
        }
        catch
        {
            await _session.ResetAsync();
            throw;
        }
    }

    private async Task<List<PendingEvent>[]> WriteGroupAsync(List<InboundStoreRequest> group, IServiceProvider services)
    {
        var db = services.GetRequiredService<ChannelDbContext>();
        var leases = services.GetRequiredService<AccountLeaseStore>();
        var secrets = services.GetRequiredService<AccountSecretStore>();
        var protectedPeers = group.Select(r => r.Peers is null ? null : secrets.ProtectPeerCache(r.AccountId, r.Peers)).ToList();
        using var activity = ChannelTelemetry.Source.StartActivity("inbound.store");
        activity?.SetTag("channel.inbound.batches", group.Count);
        var added = new List<PendingEvent>[group.Count];
        await db.InTransactionAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            var now = _time.GetUtcNow();
            await leases.FenceAllAsync([.. group.Select(r => r.Lease)], now, ct);

            var accounts = group.Select(r => r.AccountId).Distinct().ToList();
            var states = await db.AccountUpdateStates.Where(s => accounts.Contains(s.AccountId)).ToDictionaryAsync(s => s.AccountId, ct);
            var eventIds = group.SelectMany(r => r.Pending).Select(p => p.EventId).Distinct().ToList();
            var stored = eventIds.Count == 0
                ? []
                : (await db.OutboxMessages.Where(m => eventIds.Contains(m.MessageId)).Select(m => m.MessageId).ToListAsync(ct)).ToHashSet();
            var rows = new List<OutboxMessage>(eventIds.Count);
            for (var i = 0; i < group.Count; i++)
            {
                var request = group[i];
                if (!states.TryGetValue(request.AccountId, out var state))
                {
                    state = new AccountUpdateState { AccountId = request.AccountId, State = [], UpdatedAt = now };
                    db.AccountUpdateStates.Add(state);
                    states[request.AccountId] = state;
                }

                var ownReplies = await OwnRepliesAsync(db, request.AccountId, request.Pending, ct);
                added[i] = [];
                foreach (var evt in request.Pending)
                {
                    // A replayed fact keeps the id (and the Sequence) it was first published with.
                    if (ownReplies.Contains(evt.EventId) || !stored.Add(evt.EventId))
                    {
                        continue;
                    }

                    state.LastSequence++;
                    rows.Add(evt.ToRow(_outbox, request.AccountId, state.LastSequence));
                    added[i].Add(evt);
                }

                var next = request.State;
                state.State = next.Serialize();
                state.Pts = next.Pts;
                state.Qts = next.Qts;
                state.Date = next.Date;
                state.Seq = next.Seq;
                state.UpdatedAt = now;
                if (protectedPeers[i] is { } peers)
                {
                    await SavePeersAsync(db, request.AccountId, peers, now, ct);
                }

                if (request.Parked is { } parked)
                {
                    db.ParkedUpdateBatches.Add(parked);
                }
            }

            await _outbox.InsertAsync(db, rows, ct);
            await db.SaveChangesAsync(ct);
        }, _stopping.Token);
        return added;
    }

    private static async Task SavePeersAsync(ChannelDbContext db, TelegramAccountId accountId, byte[] peers, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var cache = await db.AccountPeerCaches.SingleOrDefaultAsync(p => p.AccountId == accountId, cancellationToken);
        if (cache is null)
        {
            db.AccountPeerCaches.Add(new AccountPeerCache { AccountId = accountId, Data = peers, UpdatedAt = now });
        }
        else
        {
            cache.Data = peers;
            cache.UpdatedAt = now;
        }
    }

    /// <summary>
    /// The outgoing messages of the batch that are our own replies (OutboundMessages): by chat and message id once
    /// sent, or — still Pending, when Telegram replays a message whose answer a crash lost — by chat and text hash.
    /// They are reported as OutboundMessageSent, so they are skipped here.
    /// </summary>
    private static async Task<HashSet<Guid>> OwnRepliesAsync(ChannelDbContext db, TelegramAccountId accountId, List<PendingEvent> pending, CancellationToken cancellationToken)
    {
        var outgoing = pending.Where(p => p.Outgoing is not null).ToList();
        if (outgoing.Count == 0)
        {
            return [];
        }

        var chats = outgoing.Select(p => p.Outgoing!.ChatId).Distinct().ToList();
        var messageIds = outgoing.Select(p => p.Outgoing!.MessageId).Distinct().ToList();
        var rows = await db.OutboundMessages.AsNoTracking()
            .Where(m => m.AccountId == accountId && m.ChatId != null && chats.Contains(m.ChatId.Value)
                && (m.State == Persistence.Outbound.OutboundMessageState.Pending || (m.TelegramMessageId != null && messageIds.Contains(m.TelegramMessageId.Value))))
            .Select(m => new { m.ChatId, m.TelegramMessageId, m.State, m.TextHash })
            .ToListAsync(cancellationToken);
        return outgoing
            .Where(p => rows.Any(r => r.ChatId == p.Outgoing!.ChatId
                && (r.TelegramMessageId == p.Outgoing.MessageId || (r.State == Persistence.Outbound.OutboundMessageState.Pending && r.TextHash == p.Outgoing.TextHash))))
            .Select(p => p.EventId)
            .ToHashSet();
    }

    [LoggerMessage(EventId = 5022, Level = LogLevel.Warning, Message = "Storing {Count} accounts' batches in one transaction failed; writing each on its own.")]
    private static partial void LogGroupFailed(ILogger logger, Exception exception, int count);
}
