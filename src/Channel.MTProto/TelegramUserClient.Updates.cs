using Channel.MTProto.Accounts;
using Channel.MTProto.Client;
using Channel.MTProto.Tl.Api;
using Channel.MTProto.UpdateHandling;

namespace Channel.MTProto;

/// <summary>
/// Updates: the engine that turns the server's pushes into ordered, acknowledged batches (see
/// <see cref="UpdatesEngine"/>). The host starts it after login with the state it saved and a handler that persists
/// each batch's effects together with <see cref="UpdateBatch.State"/>; the session state does not hold it.
/// </summary>
internal sealed partial class TelegramUserClient : IUpdatesRpc
{
    private readonly Lock _updatesLock = new();
    private UpdatesEngine? _updates;

    /// <summary>The state of the last batch the host handled, or null while updates are not started.</summary>
    public UpdateState? CommittedUpdateState => Volatile.Read(ref _updates)?.CommittedState;

    /// <summary>Completes when the updates engine stops; faulted when it stopped on an error (e.g. the session was revoked).</summary>
    public Task UpdatesCompletion => Volatile.Read(ref _updates)?.Completion ?? Task.CompletedTask;

    /// <summary>
    /// Starts receiving updates (once, after login). With no saved update state it starts from the server's current
    /// one (the first batch carries just that state); with one it first fetches everything missed since
    /// (getDifference) and only then processes live pushes. Returns once that catch-up is fetched; batches then reach
    /// <paramref name="handler"/> one at a time, in order.
    /// </summary>
    /// <param name="savedState">The <see cref="UpdateBatch.State"/> the host last persisted, or null.</param>
    /// <param name="handler">
    /// Persists each batch with its state. If it throws, the same batch comes again after a backoff (nothing behind
    /// it is delivered meanwhile); after <see cref="UpdatesEngineOptions.MaxHandlerAttempts"/> it is parked.
    /// </param>
    /// <param name="options">Timeouts and limits; defaults follow the spec.</param>
    /// <param name="retryPolicy">Retries of the engine's calls; by default from the options' RpcRetry delays.</param>
    /// <param name="cancellationToken">Cancels the start-up only.</param>
    /// <exception cref="InvalidOperationException">Updates are already started, or the account is not logged in.</exception>
    public async Task StartUpdatesAsync(UpdateState? savedState, IUpdateBatchHandler handler, UpdatesEngineOptions? options = null, RpcRetryPolicy? retryPolicy = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (!IsAuthorized)
        {
            throw new InvalidOperationException("Log in before starting updates.");
        }

        var engine = new UpdatesEngine(this, savedState, new PeerCacheUpdatePeers(_peers), handler, () => Session.UserId, options, _client.UpdatesQueue, _logger, _timeProvider, retryPolicy);
        lock (_updatesLock)
        {
            if (_updates is not null)
            {
                throw new InvalidOperationException("Updates are already started.");
            }

            _updates = engine;
        }

        _client.SessionReset += OnSessionReset;
        _client.Disconnected += OnDisconnected;
        try
        {
            await engine.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await StopUpdatesAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Starts from the server's current state with a handler that has nowhere to park: a batch it keeps failing is
    /// retried for good (never skipped). For tests and tools; the service uses <see cref="Accounts.AccountConnection"/>.
    /// </summary>
    public Task StartUpdatesAsync(Func<UpdateBatch, CancellationToken, ValueTask> handler, UpdatesEngineOptions? options = null, CancellationToken cancellationToken = default) =>
        StartUpdatesAsync(null, new DelegateBatchHandler(handler), options, null, cancellationToken);

    /// <summary>Asks for a getDifference now (e.g. the host knows the connection was down for long).</summary>
    public void RequestUpdatesResync() => Volatile.Read(ref _updates)?.RequestResync("requested by the host");

    /// <summary>Stops the engine; batches not yet acknowledged come again from getDifference on the next start.</summary>
    public async ValueTask StopUpdatesAsync()
    {
        if (TakeUnderLock(_updatesLock, ref _updates) is { } engine)
        {
            _client.SessionReset -= OnSessionReset;
            _client.Disconnected -= OnDisconnected;
            await engine.DisposeAsync().ConfigureAwait(false);
        }
    }

    partial void OnRpcUpdates(UpdatesBase updates) => Volatile.Read(ref _updates)?.Observe(updates);

    partial void OnRpcAffectedMessages(Messages.AffectedMessagesBase affected)
    {
        if (affected is Messages.AffectedMessages a)
        {
            Volatile.Read(ref _updates)?.ObserveAffected(a.Pts, a.PtsCount);
        }
    }

    private void OnSessionReset(object? sender, MTProtoSessionResetEventArgs e) =>
        Volatile.Read(ref _updates)?.RequestResync("new_session_created");

    /// <summary>
    /// Pushes sent while the connection was down are gone, and nothing may follow to reveal the hole: fetch the
    /// difference, which the client sends once it has reconnected.
    /// </summary>
    private void OnDisconnected(object? sender, MTProtoDisconnectedEventArgs e) =>
        Volatile.Read(ref _updates)?.RequestResync("connection lost");
}
