using Channel.MTProto.Client;
using Channel.MTProto.Peers;
using Channel.MTProto.Tl.Api;
using Channel.MTProto.UpdateHandling;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Channel.MTProto.Accounts;

/// <summary>
/// One logged-in account's live connection for the service's account runtime: status, persistence hooks, updates,
/// the session check. Built from a <see cref="TelegramUserClient"/> on a restored session
/// (<see cref="RestoreSession"/>); it owns that client and disposes it.
/// </summary>
/// <remarks>
/// Three things are persisted apart: the session (<see cref="SerializeSession"/>, on <see cref="SessionChanged"/>),
/// the peer cache (<see cref="SerializePeers"/>, on <see cref="PeersChanged"/>) and the update state, which the
/// host's <see cref="IUpdateBatchHandler"/> stores with each batch. Events are raised on whatever thread made the
/// change (a connection loop for the session): keep handlers short. A handler that throws is logged and ignored.
/// </remarks>
public sealed partial class AccountConnection : IAccountConnection
{
    /// <summary>What <see cref="Stopped"/> completes with when the updates engine stopped on a non-terminal error (logged).</summary>
    public const string UpdatesStoppedError = "UPDATES_STOPPED";

    private readonly TelegramUserClient _client;
    private readonly AccountConnectionOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly BackgroundRetry _retry;
    private readonly UpdateState? _legacyUpdateState;
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource<string?> _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private AccountConnectionStatus _status;
    private int _started;
    private int _disposed;

    private AccountConnection(TelegramUserClient client, AccountConnectionOptions options, ILoggerFactory loggerFactory, TimeProvider time)
    {
        _client = client;
        _options = options;
        _logger = loggerFactory.CreateLogger<AccountConnection>();
        _time = time;
        _retry = new BackgroundRetry(options.BackgroundRetry, _logger, time);
        _status = new AccountConnectionStatus(AccountConnectionState.Connecting, time.GetUtcNow(), null, null);
        _legacyUpdateState = TakeLegacyUpdateState(client.Session);

        // The host keeps the peer cache in its own row from now on; the session blob no longer carries it.
        client.DetachPeersFromSession();
        client.Session.Changed += OnSessionChanged;
        client.Peers.Changed += OnPeersChanged;
        client.Client.Connected += OnConnected;
        client.Client.Disconnected += OnDisconnected;
        client.Client.TerminalError += OnTerminalError;
    }

    public long? UserId => _client.Session.UserId;

    public AccountConnectionStatus Status
    {
        get
        {
            lock (_lock)
            {
                return _status with { LastUpdateAt = _client.Client.LastUpdateAt };
            }
        }
    }

    public event EventHandler<AccountConnectionStatus>? StatusChanged;

    public event EventHandler? SessionChanged;

    public event EventHandler? PeersChanged;

    public Task<string?> Stopped => _stopped.Task;

    /// <summary>The update state an old session blob still carried (read once, then cleared from the blob); see <see cref="StartAsync"/>.</summary>
    public UpdateState? LegacyUpdateState => _legacyUpdateState;

    /// <summary>
    /// Builds the connection over <paramref name="client"/> (from <c>TelegramClientFactory</c>, on a session from
    /// <see cref="RestoreSession"/>). Takes ownership of the client. Nothing connects until <see cref="StartAsync"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The session has no logged-in account.</exception>
    internal static AccountConnection Create(TelegramUserClient client, AccountConnectionOptions? options = null, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        options ??= new AccountConnectionOptions();
        options.Validate();
        if (!client.IsAuthorized)
        {
            throw new InvalidOperationException("The session has no logged-in account: an account connection never logs in.");
        }

        return new AccountConnection(client, options, loggerFactory ?? NullLoggerFactory.Instance, timeProvider ?? TimeProvider.System);
    }

    /// <summary>
    /// The session state to build the client from: the saved session bytes (<see cref="SerializeSession"/>, or an
    /// older full session blob) with the saved peer cache (<see cref="SerializePeers"/>) put back in, so the
    /// <see cref="TelegramUserClient"/> loads it.
    /// </summary>
    /// <exception cref="FormatException">Either blob is not one this version can read.</exception>
    public static MTProtoSessionState RestoreSession(ReadOnlySpan<byte> session, ReadOnlySpan<byte> peers)
    {
        var state = MTProtoSessionState.Deserialize(session);
        if (!peers.IsEmpty)
        {
            // Checked here, so a bad row fails as a FormatException before any client exists.
            new PeerCache().Load(peers);
            state.PeerCache = peers.ToArray();
        }

        return state;
    }

    public byte[] SerializeSession() => _client.Session.Serialize(includeUpdateAndPeerSlots: false);

    public byte[] SerializePeers() => _client.Peers.Serialize();

    /// <summary>What the account knows of a peer (names, username, phone), for updates that carry no users.</summary>
    public Peers.CachedPeer? FindPeer(Peers.PeerId id) => _client.Peers.TryGet(id, out var peer) ? peer : null;

    /// <summary>
    /// Connects, then starts updates from <paramref name="savedState"/> and returns once the start-up catch-up is
    /// fetched. With a null state, an update state the old session blob carried (<see cref="LegacyUpdateState"/>) is
    /// used if there is one, else the server's current state (getState).
    /// </summary>
    /// <exception cref="InvalidOperationException">Started twice.</exception>
    /// <exception cref="MTProtoTerminalException">The session is dead (revoked, …); <see cref="Stopped"/> says so too.</exception>
    public async Task StartAsync(UpdateState? savedState, IUpdateBatchHandler handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("The account connection is already started.");
        }

        await _client.Client.ConnectAsync(cancellationToken).ConfigureAwait(false);
        SetState(AccountConnectionState.Connected, error: null, onlyFrom: null);
        await _client.StartUpdatesAsync(savedState ?? _legacyUpdateState, handler, _options.Updates, _options.BackgroundRetry, cancellationToken).ConfigureAwait(false);
        _ = WatchUpdatesAsync(_client.UpdatesCompletion);
    }

    public async Task CheckSessionAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _retry.InvokeAsync(
            token => _client.InvokeAsync(new Users.GetUsers { Id = [new InputUserSelf()] }, token),
            "users.getUsers",
            cancellationToken).ConfigureAwait(false);
    }

    public Task<Peers.CachedPeer?> ResolveUsernameAsync(string username, CancellationToken cancellationToken) =>
        Live().ResolveUsernameAsync(username, cancellationToken);

    public Task<Peers.CachedPeer?> ResolvePhoneAsync(string phone, CancellationToken cancellationToken) =>
        Live().ImportPhoneContactAsync(phone, cancellationToken);

    public Task<int> GetMessageLengthMaxAsync(CancellationToken cancellationToken) => Live().GetMessageLengthMaxAsync(cancellationToken);

    public Task<Messaging.SentMessage> SendTextAsync(Peers.PeerId peer, string text, IReadOnlyList<MessageEntityBase> entities, long randomId, int? replyToMessageId, CancellationToken cancellationToken) =>
        Live().SendTextAsync(peer, text, randomId, replyToMessageId, cancellationToken, entities);

    public Task EditTextAsync(Peers.PeerId peer, int messageId, string text, IReadOnlyList<MessageEntityBase> entities, CancellationToken cancellationToken) =>
        Live().EditTextAsync(peer, messageId, text, entities, cancellationToken);

    public Task DeleteMessagesAsync(Peers.PeerId peer, IReadOnlyList<int> messageIds, CancellationToken cancellationToken) =>
        Live().DeleteMessagesAsync(peer, messageIds, cancellationToken);

    public Task MarkReadAsync(Peers.PeerId peer, int maxId, CancellationToken cancellationToken) => Live().MarkReadAsync(peer, maxId, cancellationToken);

    public Task SetTypingAsync(Peers.PeerId peer, CancellationToken cancellationToken) => Live().SetTypingAsync(peer, cancellationToken);

    public Task<Media.DownloadableMedia?> GetMessageMediaAsync(Peers.PeerId chat, int messageId, CancellationToken cancellationToken) =>
        Live().GetMessageMediaAsync(chat, messageId, cancellationToken);

    public IAsyncEnumerable<ReadOnlyMemory<byte>> DownloadAsync(Media.DownloadableMedia media, long offset, CancellationToken cancellationToken) =>
        Live().DownloadAsync(media, offset, cancellationToken);

    public Task<Media.UploadedFile> UploadAsync(Stream content, long length, string fileName, CancellationToken cancellationToken) =>
        Live().UploadAsync(content, length, fileName, cancellationToken);

    public Task<Messaging.SentMessage> SendMediaAsync(Peers.PeerId peer, Media.OutgoingMedia media, string caption, IReadOnlyList<MessageEntityBase> entities, long randomId, int? replyToMessageId, CancellationToken cancellationToken) =>
        Live().SendMediaAsync(peer, media, caption, entities, randomId, replyToMessageId, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _client.Session.Changed -= OnSessionChanged;
        _client.Peers.Changed -= OnPeersChanged;
        _client.Client.Connected -= OnConnected;
        _client.Client.Disconnected -= OnDisconnected;
        _client.Client.TerminalError -= OnTerminalError;
        try
        {
            await _client.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            SetState(AccountConnectionState.Stopped, Status.LastError, onlyFrom: null);
            _stopped.TrySetResult(null);
        }
    }

    private TelegramUserClient Live()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _client;
    }

    private static UpdateState? TakeLegacyUpdateState(MTProtoSessionState session)
    {
        if (session.UpdateState is not { } bytes)
        {
            return null;
        }

        session.UpdateState = null;
        try
        {
            return UpdateState.Deserialize(bytes);
        }
        catch (FormatException)
        {
            // An unreadable legacy state is no worse than none: the host's own state (or getState) takes over.
            return null;
        }
    }

    /// <summary>A terminal error also ends the engine; anything else that stops it is reported here.</summary>
    private async Task WatchUpdatesAsync(Task completion)
    {
        try
        {
            await completion.ConfigureAwait(false);
        }
        catch (Exception e) when (Volatile.Read(ref _disposed) == 0)
        {
            // The call that met a terminal error can fail before the client's TerminalError event is raised.
            var error = e switch
            {
                MTProtoTerminalException terminal => terminal.Error,
                TelegramRpcException rpc when rpc.IsTerminal(authorized: true) => rpc.ErrorName,
                _ => _client.Client.TerminalErrorName,
            };
            if (error is null)
            {
                Log.UpdatesStopped(_logger, e);
                error = UpdatesStoppedError;
            }

            SetState(AccountConnectionState.Stopped, error, onlyFrom: null);
            _stopped.TrySetResult(error);
        }
        catch (Exception)
        {
            // Disposed: Stopped completes with null.
        }
    }

    private void OnConnected(object? sender, MTProtoConnectedEventArgs e)
    {
        if (e.DcId == _client.Session.MainDcId)
        {
            SetState(AccountConnectionState.Connected, error: null, onlyFrom: null);
        }
    }

    private void OnDisconnected(object? sender, MTProtoDisconnectedEventArgs e)
    {
        if (e.DcId == _client.Session.MainDcId)
        {
            SetState(AccountConnectionState.Reconnecting, e.Reason, onlyFrom: null);
        }
    }

    private void OnTerminalError(object? sender, MTProtoTerminalErrorEventArgs e)
    {
        Log.Terminal(_logger, e.Error);
        SetState(AccountConnectionState.Stopped, e.Error, onlyFrom: null);
        _stopped.TrySetResult(e.Error);
    }

    private void OnSessionChanged(object? sender, EventArgs e) => RaiseSafely(SessionChanged, nameof(SessionChanged));

    private void OnPeersChanged(object? sender, EventArgs e) => RaiseSafely(PeersChanged, nameof(PeersChanged));

    /// <summary>Moves to <paramref name="state"/> unless already there; Stopped is final.</summary>
    private void SetState(AccountConnectionState state, string? error, AccountConnectionState? onlyFrom)
    {
        AccountConnectionStatus changed;
        lock (_lock)
        {
            if (_status.State == AccountConnectionState.Stopped || (_status.State == state && (error is null || error == _status.LastError)) || (onlyFrom is { } from && _status.State != from))
            {
                return;
            }

            var since = _status.State == state ? _status.Since : _time.GetUtcNow();
            _status = new AccountConnectionStatus(state, since, error ?? _status.LastError, null);
            changed = _status with { LastUpdateAt = _client.Client.LastUpdateAt };
        }

        Log.StatusChanged(_logger, changed.State, changed.LastError);
        var handler = StatusChanged;
        if (handler is null)
        {
            return;
        }

        foreach (var single in handler.GetInvocationList())
        {
            try
            {
                ((EventHandler<AccountConnectionStatus>)single)(this, changed);
            }
            catch (Exception ex)
            {
                Log.HandlerFailed(_logger, nameof(StatusChanged), ex);
            }
        }
    }

    private void RaiseSafely(EventHandler? handler, string name)
    {
        if (handler is null)
        {
            return;
        }

        foreach (var single in handler.GetInvocationList())
        {
            try
            {
                ((EventHandler)single)(this, EventArgs.Empty);
            }
            catch (Exception ex)
            {
                Log.HandlerFailed(_logger, name, ex);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(700, LogLevel.Information, "Account connection: {State} ({LastError})")]
        public static partial void StatusChanged(ILogger logger, AccountConnectionState state, string? lastError);

        [LoggerMessage(701, LogLevel.Error, "Account connection: a handler of {Event} threw; ignored")]
        public static partial void HandlerFailed(ILogger logger, string @event, Exception exception);

        [LoggerMessage(702, LogLevel.Warning, "Account connection: stopped for good after {Error}")]
        public static partial void Terminal(ILogger logger, string error);

        [LoggerMessage(703, LogLevel.Error, "Account connection: the updates engine stopped")]
        public static partial void UpdatesStopped(ILogger logger, Exception exception);
    }
}
