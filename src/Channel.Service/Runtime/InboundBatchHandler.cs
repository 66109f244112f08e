using Channel.Domain.Accounts;
using Channel.MTProto.Accounts;
using Channel.MTProto.UpdateHandling;
using Channel.Persistence;
using Channel.Persistence.Leases;
using Channel.Persistence.Outbox;
using Channel.Persistence.Secrets;
using Channel.Persistence.Updates;
using Channel.Service.Observability;
using Microsoft.EntityFrameworkCore;

namespace Channel.Service.Runtime;

/// <summary>
/// Stores one account's batches: the events derived from a batch go to the outbox and the account's advanced update
/// state to AccountUpdateStates <em>in one transaction</em>; only after the commit does the updates engine treat the
/// batch as handled. A crash before the commit leaves neither, and the same updates come again from getDifference;
/// a fact already in the outbox (same EventId) is not added twice, and takes no new Sequence. Every transaction is
/// fenced by the account's lease first (<see cref="AccountLeaseStore.FenceAsync"/>): a replica that lost the lease
/// writes nothing, and is told through <c>leaseLost</c> so that its worker stops.
/// </summary>
internal sealed partial class InboundBatchHandler(
    TelegramAccountId accountId,
    Lease lease,
    Action leaseLost,
    InboundEventTranslator translator,
    Func<byte[]?> takeChangedPeers,
    Action peersNotStored,
    IServiceScopeFactory scopes,
    TimeProvider time,
    ILogger logger) : IUpdateBatchHandler
{
    /// <summary>When the last batch was stored (for GetAccount's "last update at").</summary>
    public DateTimeOffset? LastStoredAt { get; private set; }

    public async ValueTask HandleAsync(UpdateBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var pending = translator.Translate(batch);
        var peers = takeChangedPeers();
        try
        {
            await StoreAsync(batch, pending, peers, parked: null, cancellationToken);
        }
        catch (LeaseLostException)
        {
            leaseLost();
            throw;
        }
        catch
        {
            // Not stored: the peers must go with the next attempt.
            if (peers is not null)
            {
                peersNotStored();
            }

            throw;
        }

        if (batch.Attempt > 1)
        {
            LogStoredAfterRetry(logger, accountId, batch.Number, batch.Attempt);
        }
    }

    public async ValueTask ParkAsync(UpdateBatch batch, Exception lastError, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(lastError);

        // The engine gives up after Runtime:MaxBatchAttempts; a database that was down meanwhile may be back, and a
        // good batch must not be parked for an outage. Only a batch that still fails is parked; if parking fails too,
        // the engine keeps trying (nothing is skipped unrecorded).
        try
        {
            await HandleAsync(batch, cancellationToken);
            return;
        }
        catch (Exception again) when (again is not LeaseLostException && !cancellationToken.IsCancellationRequested)
        {
            lastError = again;
        }

        // Not ours any more: the new owner gets the batch from Telegram; nothing is parked for it.
        if (lastError is LeaseLostException)
        {
            leaseLost();
            throw new LeaseLostException(lease);
        }

        var summary = string.Join(", ", batch.Updates.Select(u => u.GetType().Name).GroupBy(n => n).Select(g => $"{g.Key}×{g.Count()}"));
        var parked = new ParkedUpdateBatch
        {
            AccountId = accountId,
            ParkedAt = time.GetUtcNow(),
            Error = Truncate($"{lastError.GetType().Name}: {lastError.Message}", ParkedUpdateBatch.MaxErrorLength),
            Summary = Truncate(summary, ParkedUpdateBatch.MaxSummaryLength),
            State = batch.State.Serialize(),
        };
        try
        {
            await StoreAsync(batch, [], peers: null, parked, cancellationToken);
        }
        catch (LeaseLostException)
        {
            leaseLost();
            throw;
        }

        LogParked(logger, lastError, accountId, batch.Number, batch.Attempt, summary);
    }

    private async Task StoreAsync(UpdateBatch batch, List<PendingEvent> pending, byte[]? peers, ParkedUpdateBatch? parked, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
        var outbox = scope.ServiceProvider.GetRequiredService<OutboxWriter>();
        var protectedPeers = peers is null ? null : scope.ServiceProvider.GetRequiredService<AccountSecretStore>().ProtectPeerCache(accountId, peers);
        var leases = scope.ServiceProvider.GetRequiredService<AccountLeaseStore>();
        var now = time.GetUtcNow();
        using var activity = ChannelTelemetry.Source.StartActivity("inbound.store");
        activity?.SetTag("channel.account_id", accountId.ToString());
        List<PendingEvent> newEvents = [];
        await db.InTransactionAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            newEvents = [];
            await leases.FenceAsync(lease, time.GetUtcNow(), ct);
            var state = await db.AccountUpdateStates.SingleOrDefaultAsync(s => s.AccountId == accountId, ct);
            if (state is null)
            {
                state = new AccountUpdateState { AccountId = accountId, State = [], UpdatedAt = now };
                db.AccountUpdateStates.Add(state);
            }

            if (pending.Count > 0)
            {
                var ids = pending.Select(p => p.EventId).ToList();
                var stored = (await db.OutboxMessages.Where(m => ids.Contains(m.MessageId)).Select(m => m.MessageId).ToListAsync(ct)).ToHashSet();
                stored.UnionWith(await OwnRepliesAsync(db, pending, ct));
                var added = new HashSet<Guid>();
                foreach (var evt in pending)
                {
                    // A replayed fact keeps the id (and the Sequence) it was first published with.
                    if (stored.Contains(evt.EventId) || !added.Add(evt.EventId))
                    {
                        continue;
                    }

                    state.LastSequence++;
                    evt.AddTo(outbox, db, accountId, state.LastSequence);
                    newEvents.Add(evt);
                }
            }

            var next = batch.State;
            state.State = next.Serialize();
            state.Pts = next.Pts;
            state.Qts = next.Qts;
            state.Date = next.Date;
            state.Seq = next.Seq;
            state.UpdatedAt = now;

            if (protectedPeers is not null)
            {
                var cache = await db.AccountPeerCaches.SingleOrDefaultAsync(p => p.AccountId == accountId, ct);
                if (cache is null)
                {
                    db.AccountPeerCaches.Add(new AccountPeerCache { AccountId = accountId, Data = protectedPeers, UpdatedAt = now });
                }
                else
                {
                    cache.Data = protectedPeers;
                    cache.UpdatedAt = now;
                }
            }

            if (parked is not null)
            {
                db.ParkedUpdateBatches.Add(parked);
            }

            await db.SaveChangesAsync(ct);
        }, cancellationToken);
        LastStoredAt = now;
        var metrics = scope.ServiceProvider.GetRequiredService<ChannelMetrics>();
        foreach (var group in newEvents.GroupBy(e => e.EventType))
        {
            metrics.InboundStored(group.Key, group.Count());
        }
    }

    /// <summary>
    /// The outgoing messages of the batch that are our own replies (OutboundMessages): by chat and message id once
    /// sent, or — still Pending, when Telegram replays a message whose answer a crash lost — by chat and text hash.
    /// They are reported as OutboundMessageSent, so they are skipped here.
    /// </summary>
    private async Task<IEnumerable<Guid>> OwnRepliesAsync(ChannelDbContext db, List<PendingEvent> pending, CancellationToken cancellationToken)
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
            .Select(p => p.EventId);
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];

    [LoggerMessage(EventId = 5020, Level = LogLevel.Information, Message = "Account {AccountId}: batch {Batch} stored at attempt {Attempt}.")]
    private static partial void LogStoredAfterRetry(ILogger logger, TelegramAccountId accountId, long batch, int attempt);

    [LoggerMessage(EventId = 5021, Level = LogLevel.Error, Message = "Account {AccountId}: batch {Batch} could not be stored after {Attempts} attempts and was parked in ParkedUpdateBatches ({Summary}); later updates go on.")]
    private static partial void LogParked(ILogger logger, Exception exception, TelegramAccountId accountId, long batch, int attempts, string summary);
}
