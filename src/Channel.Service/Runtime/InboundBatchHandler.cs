using Channel.Domain.Accounts;
using Channel.MTProto.Accounts;
using Channel.MTProto.UpdateHandling;
using Channel.Persistence.Leases;
using Channel.Persistence.Updates;

namespace Channel.Service.Runtime;

/// <summary>
/// One account's side of the updates engine: translates each batch into events and hands them, with the account's
/// advanced update state, to <see cref="InboundStoreWriter"/>, which stores both <em>in one transaction</em>; only
/// after the commit does the updates engine treat the batch as handled. A crash before the commit leaves neither, and
/// the same updates come again from getDifference. Every write is fenced by the account's lease: a replica that lost
/// the lease writes nothing, and is told through <c>leaseLost</c> so that its worker stops.
/// </summary>
internal sealed partial class InboundBatchHandler(
    TelegramAccountId accountId,
    Lease lease,
    Action leaseLost,
    InboundEventTranslator translator,
    Func<byte[]?> takeChangedPeers,
    Action peersNotStored,
    InboundStoreWriter writer,
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
        await writer.StoreAsync(new InboundStoreRequest(accountId, lease, batch.State, pending, peers, parked, cancellationToken));
        LastStoredAt = time.GetUtcNow();
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];

    [LoggerMessage(EventId = 5020, Level = LogLevel.Information, Message = "Account {AccountId}: batch {Batch} stored at attempt {Attempt}.")]
    private static partial void LogStoredAfterRetry(ILogger logger, TelegramAccountId accountId, long batch, int attempt);

    [LoggerMessage(EventId = 5021, Level = LogLevel.Error, Message = "Account {AccountId}: batch {Batch} could not be stored after {Attempts} attempts and was parked in ParkedUpdateBatches ({Summary}); later updates go on.")]
    private static partial void LogParked(ILogger logger, Exception exception, TelegramAccountId accountId, long batch, int attempts, string summary);
}
