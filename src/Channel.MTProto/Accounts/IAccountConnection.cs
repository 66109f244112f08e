using Channel.MTProto.UpdateHandling;

namespace Channel.MTProto.Accounts;

/// <summary>One account's live connection: restored from a saved session, no new login.</summary>
public interface IAccountConnection : IAsyncDisposable
{
    long? UserId { get; }

    AccountConnectionStatus Status { get; }

    /// <summary>Raised (safely: handler exceptions are caught and logged) whenever Status changes.</summary>
    event EventHandler<AccountConnectionStatus>? StatusChanged;

    /// <summary>The session (auth keys, salts, main DC, time offsets; WITHOUT update state and peer cache) changed: the host saves SerializeSession().</summary>
    event EventHandler? SessionChanged;

    byte[] SerializeSession();

    /// <summary>The peer cache (access hashes) changed: the host saves SerializePeers().</summary>
    event EventHandler? PeersChanged;

    byte[] SerializePeers();

    /// <summary>Connects, then starts updates from savedState (null: from the server's current state via getState) and returns once the start-up catch-up is fetched; batches then reach handler in order, one at a time.</summary>
    Task StartAsync(UpdateState? savedState, IUpdateBatchHandler handler, CancellationToken cancellationToken);

    /// <summary>Completes when the connection stops for good: with the terminal Telegram error name (SESSION_REVOKED, AUTH_KEY_UNREGISTERED, AUTH_KEY_DUPLICATED, USER_DEACTIVATED, USER_DEACTIVATED_BAN, SESSION_EXPIRED ...) or null when disposed / stopped by the host. Never faults.</summary>
    Task<string?> Stopped { get; }

    /// <summary>users.getUsers([inputUserSelf]) over THIS connection (background retry policy). Throws TelegramRpcException / MTProtoTerminalException.</summary>
    Task CheckSessionAsync(CancellationToken cancellationToken);
}
