using Channel.MTProto.Media;
using Channel.MTProto.Messaging;
using Channel.MTProto.Peers;
using Channel.MTProto.Tl.Api;
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

    // Outgoing messages. Each throws FloodWaitException (FLOOD_WAIT_X: nothing was done), TelegramRpcException
    // (PEER_FLOOD, USER_IS_BLOCKED, MESSAGE_ID_INVALID ...), PeerNotCachedException (no access hash for the peer) or
    // MTProtoTerminalException; none retries by itself.

    /// <summary>What the account knows of a peer (names, username, phone, access hash); null when it never saw it.</summary>
    CachedPeer? FindPeer(PeerId id);

    /// <summary>contacts.resolveUsername; null when no one has the username.</summary>
    Task<CachedPeer?> ResolveUsernameAsync(string username, CancellationToken cancellationToken);

    /// <summary>contacts.importContacts with the phone; null when it has no (findable) Telegram account.</summary>
    Task<CachedPeer?> ResolvePhoneAsync(string phone, CancellationToken cancellationToken);

    /// <summary>help.getConfig's message_length_max (cached per connection).</summary>
    Task<int> GetMessageLengthMaxAsync(CancellationToken cancellationToken);

    /// <summary>messages.sendMessage with the caller's random_id: a repeat with the same id is stored once by Telegram.</summary>
    /// <exception cref="MessageTooLongException">Over message_length_max (checked before sending).</exception>
    Task<SentMessage> SendTextAsync(PeerId peer, string text, IReadOnlyList<MessageEntityBase> entities, long randomId, int? replyToMessageId, CancellationToken cancellationToken);

    /// <summary>messages.editMessage of one of the account's messages.</summary>
    Task EditTextAsync(PeerId peer, int messageId, string text, IReadOnlyList<MessageEntityBase> entities, CancellationToken cancellationToken);

    /// <summary>Deletes the account's messages for everyone.</summary>
    Task DeleteMessagesAsync(PeerId peer, IReadOnlyList<int> messageIds, CancellationToken cancellationToken);

    /// <summary>Marks the chat read up to maxId (the customer sees the double tick).</summary>
    Task MarkReadAsync(PeerId peer, int maxId, CancellationToken cancellationToken);

    /// <summary>Shows "typing…" to the other side.</summary>
    Task SetTypingAsync(PeerId peer, CancellationToken cancellationToken);

    // Media (over media connections apart from the update connection; see TelegramUserClient.Media.cs).

    /// <summary>Fetches the message (messages.getMessages; channels.getMessages in a channel) and returns its photo or document; null when there is no such message or no file in it.</summary>
    Task<DownloadableMedia?> GetMessageMediaAsync(PeerId chat, int messageId, CancellationToken cancellationToken);

    /// <summary>The file's bytes from offset (any) to the end, in order, several parts in flight, on the file's DC; FILE_MIGRATE_X followed, FILE_REFERENCE_EXPIRED refreshed by refetching the message.</summary>
    IAsyncEnumerable<ReadOnlyMemory<byte>> DownloadAsync(DownloadableMedia media, long offset, CancellationToken cancellationToken);

    /// <summary>Uploads length bytes of content in 512 KiB parts, in parallel: saveFilePart with MD5 up to 10 MiB, saveBigFilePart above.</summary>
    Task<UploadedFile> UploadAsync(Stream content, long length, string fileName, CancellationToken cancellationToken);

    /// <summary>messages.sendMedia with the caller's random_id (a repeat with the same id is stored once).</summary>
    /// <exception cref="MessageTooLongException">The caption is over caption_length_max (checked before sending).</exception>
    Task<SentMessage> SendMediaAsync(PeerId peer, OutgoingMedia media, string caption, IReadOnlyList<MessageEntityBase> entities, long randomId, int? replyToMessageId, CancellationToken cancellationToken);
}
