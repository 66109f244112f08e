using Channel.MTProto.Client;
using Channel.MTProto.Peers;
using Channel.MTProto.Tl;
using Channel.MTProto.Tl.Api;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Channel.MTProto;

/// <summary>
/// The typed Telegram user-account API the service uses: login (code, 2FA, DC migration, restart-safe pending login),
/// identity and peers, messaging, flood control; the updates engine adds its part in TelegramUserClient.Updates.cs.
/// Built on one <see cref="MTProtoClient"/>, which it owns.
/// </summary>
/// <remarks>
/// Every call goes through <see cref="InvokeAsync"/>: *_MIGRATE_X switches the main DC and repeats the call, flood
/// waits become <see cref="FloodWaitException"/> (or a logged sleep under <see cref="TelegramUserClientOptions.FloodWait"/>),
/// and the users/chats of every result go into <see cref="Peers"/>, which is persisted in
/// <see cref="MTProtoSessionState.PeerCache"/>. The host saves <see cref="Session"/> after each
/// <see cref="MTProtoSessionState.Changed"/>.
/// </remarks>
internal sealed partial class TelegramUserClient : IAsyncDisposable
{
    private readonly MTProtoClient _client;
    private readonly TelegramUserClientOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly PeerCache _peers = new();
    private int _peersDetached;

    public TelegramUserClient(MTProtoClient client, TelegramUserClientOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.ApiHash, nameof(options));
        _client = client;
        _options = options;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<TelegramUserClient>();
        _timeProvider = timeProvider ?? TimeProvider.System;
        if (client.Session.PeerCache is { } saved)
        {
            _peers.Load(saved);
        }

        _peers.Changed += OnPeersChanged;
    }

    /// <summary>The low-level client (connection events, raw calls, the updates stream).</summary>
    public MTProtoClient Client => _client;

    /// <summary>The state the host persists (auth keys, main DC, pending login, update state, peer cache).</summary>
    public MTProtoSessionState Session => _client.Session;

    /// <summary>Users, chats and channels seen so far, with access hashes.</summary>
    public PeerCache Peers => _peers;

    /// <summary>Whether an account is logged in.</summary>
    public bool IsAuthorized => Session.IsAuthorized;

    /// <summary>Raised once when the session is dead for good (revoked, duplicated, deactivated): log in again.</summary>
    public event EventHandler<MTProtoTerminalErrorEventArgs>? TerminalError
    {
        add => _client.TerminalError += value;
        remove => _client.TerminalError -= value;
    }

    /// <summary>
    /// Calls <paramref name="request"/> on the main DC, following *_MIGRATE_X, applying the flood policy and filling the
    /// peer cache from the result.
    /// </summary>
    /// <exception cref="FloodWaitException">Telegram asked to wait and the policy does not sleep through it.</exception>
    /// <exception cref="TelegramRpcException">Any other rpc_error.</exception>
    /// <exception cref="MTProtoTerminalException">The session is dead for good.</exception>
    public async Task<TResult> InvokeAsync<TResult>(ITlMethod<TResult> request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var migrations = 0;
        var floodRetries = 0;
        while (true)
        {
            try
            {
                var result = await _client.InvokeAsync(request, cancellationToken).ConfigureAwait(false);
                _peers.ApplyFrom(result);
                return result;
            }
            catch (TelegramRpcException ex) when (IsAccountMigration(ex) && migrations < _options.MaxMigrations)
            {
                migrations++;
                await MigrateAsync(ex.MigrateToDc!.Value, ex.ErrorName, cancellationToken).ConfigureAwait(false);
            }
            catch (TelegramRpcException ex) when (ex.IsFloodWait)
            {
                var wait = ex.RetryAfter ?? TimeSpan.Zero;
                var method = request.GetType().Name;
                if (!_options.FloodWait.ShouldRetry(wait, floodRetries))
                {
                    Log.FloodWaitRaised(_logger, ex.ErrorName, wait.TotalSeconds, method);
                    throw new FloodWaitException(ex.ErrorName, wait, ex);
                }

                floodRetries++;
                Log.FloodWaitSleeping(_logger, ex.ErrorName, wait.TotalSeconds, method, floodRetries, _options.FloodWait.MaxRetries);
                await Task.Delay(wait, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _peers.Changed -= OnPeersChanged;
        await StopUpdatesAsync().ConfigureAwait(false);
        await DisposeMediaAsync().ConfigureAwait(false);
        await _client.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>PHONE_/NETWORK_/USER_MIGRATE_X move the account's main DC; FILE_/STATS_MIGRATE only redirect one request.</summary>
    private static bool IsAccountMigration(TelegramRpcException ex) =>
        ex.MigrateToDc is not null && ex.ErrorName is "PHONE_MIGRATE" or "NETWORK_MIGRATE" or "USER_MIGRATE";

    /// <summary>
    /// Makes <paramref name="dcId"/> the main DC. Before login nothing else is needed (the client creates a fresh key
    /// there on first use); a logged-in account carries its authorization over with export/importAuthorization.
    /// </summary>
    private async Task MigrateAsync(int dcId, string reason, CancellationToken cancellationToken)
    {
        var from = Session.MainDcId;
        Log.Migrating(_logger, from, dcId, reason);
        if (Session.IsAuthorized && from != dcId)
        {
            var exported = await _client.InvokeAsync(new Auth.ExportAuthorization { DcId = dcId }, cancellationToken).ConfigureAwait(false);
            if (exported is Auth.ExportedAuthorization export)
            {
                await _client.InvokeOnDcAsync(dcId, new Auth.ImportAuthorization { Id = export.Id, Bytes = export.Bytes }, timeout: null, cancellationToken).ConfigureAwait(false);
            }
        }

        Session.MainDcId = dcId;
    }

    /// <summary>
    /// From now on the peer cache is persisted by the host on its own (<see cref="PeerCache.Changed"/>,
    /// <see cref="PeerCache.Serialize"/>) rather than in <see cref="MTProtoSessionState.PeerCache"/>, which is cleared.
    /// </summary>
    internal void DetachPeersFromSession()
    {
        if (Interlocked.Exchange(ref _peersDetached, 1) == 0)
        {
            _peers.Changed -= OnPeersChanged;
            Session.PeerCache = null;
        }
    }

    /// <summary>What <paramref name="field"/> held, leaving null, under <paramref name="gate"/> (the lock its creation takes): for a stop that disposes it once.</summary>
    private static T? TakeUnderLock<T>(Lock gate, ref T? field)
        where T : class
    {
        lock (gate)
        {
            var taken = field;
            field = null;
            return taken;
        }
    }

    private void OnPeersChanged(object? sender, EventArgs e) => Session.PeerCache = _peers.Serialize();

    /// <summary>
    /// Updates returned by an RPC (sendMessage…) carry pts like pushed ones; the updates engine implements this in
    /// TelegramUserClient.Updates.cs to keep its state in step. Without an implementation the call is compiled away.
    /// </summary>
    partial void OnRpcUpdates(UpdatesBase updates);

    /// <summary>messages.affectedMessages (readHistory, deleteMessages) advances the common pts; see <see cref="OnRpcUpdates"/>.</summary>
    partial void OnRpcAffectedMessages(Messages.AffectedMessagesBase affected);

    private static partial class Log
    {
        [LoggerMessage(100, LogLevel.Information, "Moving the account's main DC from {FromDc} to {ToDc} ({Reason})")]
        public static partial void Migrating(ILogger logger, int fromDc, int toDc, string reason);

        [LoggerMessage(101, LogLevel.Warning, "{ErrorName}: sleeping {WaitSeconds:F0} s before repeating {Method} (retry {Retry} of {MaxRetries})")]
        public static partial void FloodWaitSleeping(ILogger logger, string errorName, double waitSeconds, string method, int retry, int maxRetries);

        [LoggerMessage(102, LogLevel.Information, "{ErrorName}: {Method} must wait {WaitSeconds:F0} s; raised to the caller")]
        public static partial void FloodWaitRaised(ILogger logger, string errorName, double waitSeconds, string method);

        [LoggerMessage(103, LogLevel.Information, "Login code sent from DC {DcId} via {CodeType}")]
        public static partial void CodeSent(ILogger logger, int dcId, Login.CodeType codeType);

        [LoggerMessage(104, LogLevel.Information, "Logged in as user {UserId} on DC {DcId}")]
        public static partial void LoggedIn(ILogger logger, long userId, int dcId);

        [LoggerMessage(105, LogLevel.Information, "The account has a 2FA password; waiting for it")]
        public static partial void PasswordRequired(ILogger logger);

        [LoggerMessage(106, LogLevel.Information, "Logged out; the auth key of DC {DcId} is forgotten")]
        public static partial void LoggedOut(ILogger logger, int dcId);

        [LoggerMessage(107, LogLevel.Information, "AUTH_RESTART: requesting a new login code")]
        public static partial void AuthRestart(ILogger logger);
    }
}
