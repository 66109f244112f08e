using Channel.MTProto.Accounts;
using Channel.MTProto.Media;
using Channel.MTProto.Messaging;
using Channel.MTProto.Peers;
using Channel.MTProto.Tl.Api;
using Channel.MTProto.UpdateHandling;

namespace Channel.Service.Tests.Runtime;

/// <summary>
/// An <see cref="IAccountConnection"/> the test drives: it records how the runtime starts it, hands batches to the
/// runtime's handler on demand, and ends with whatever terminal error the test names.
/// </summary>
public sealed class FakeAccountConnection : IAccountConnection
{
    private readonly TaskCompletionSource<string?> _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IUpdateBatchHandler? _handler;

    public FakeAccountConnection(byte[] session) => Session = session;

    public byte[] Session { get; }

    public long? UserId => 1;

    public AccountConnectionStatus Status { get; private set; } = new(AccountConnectionState.Connecting, DateTimeOffset.UtcNow, null, null);

    public UpdateState? StartedFrom { get; private set; }

    public Task Started => _started.Task;

    public bool Disposed { get; private set; }

    public int SessionChecks { get; private set; }

    /// <summary>What CheckSessionAsync throws; null: the session is fine.</summary>
    public Exception? CheckFailure { get; set; }

    public Task<string?> Stopped => _stopped.Task;

    public event EventHandler<AccountConnectionStatus>? StatusChanged;

    public event EventHandler? SessionChanged;

    public event EventHandler? PeersChanged;

    public byte[] SerializeSession() => [.. Session];

    public byte[] SerializePeers() => [];

    public Task StartAsync(UpdateState? savedState, IUpdateBatchHandler handler, CancellationToken cancellationToken)
    {
        StartedFrom = savedState;
        _handler = handler;
        Status = Status with { State = AccountConnectionState.Connected, Since = DateTimeOffset.UtcNow };
        StatusChanged?.Invoke(this, Status);
        _started.TrySetResult();
        return Task.CompletedTask;
    }

    public Task CheckSessionAsync(CancellationToken cancellationToken)
    {
        SessionChecks++;
        return CheckFailure is { } failure ? Task.FromException(failure) : Task.CompletedTask;
    }

    /// <summary>The texts SendTextAsync was given, in order, with their random ids.</summary>
    public List<(PeerId Peer, string Text, long RandomId)> Sent { get; } = [];

    /// <summary>What the next SendTextAsync throws (then cleared); null: it succeeds.</summary>
    public Exception? NextSendFailure { get; set; }

    public int MessageLengthMax { get; set; } = 4096;

    public CachedPeer? FindPeer(PeerId id) => new(id, 1, null, null, "Peer " + id.Id);

    public Task<CachedPeer?> ResolveUsernameAsync(string username, CancellationToken cancellationToken) =>
        Task.FromResult<CachedPeer?>(new CachedPeer(PeerId.User(username.Length), 1, username, null, username));

    public Task<CachedPeer?> ResolvePhoneAsync(string phone, CancellationToken cancellationToken) => Task.FromResult<CachedPeer?>(null);

    public Task<int> GetMessageLengthMaxAsync(CancellationToken cancellationToken) => Task.FromResult(MessageLengthMax);

    public Task<SentMessage> SendTextAsync(PeerId peer, string text, IReadOnlyList<MessageEntityBase> entities, long randomId, int? replyToMessageId, CancellationToken cancellationToken)
    {
        if (NextSendFailure is { } failure)
        {
            NextSendFailure = null;
            return Task.FromException<SentMessage>(failure);
        }

        lock (Sent)
        {
            var index = Sent.FindIndex(s => s.RandomId == randomId);
            if (index < 0)
            {
                Sent.Add((peer, text, randomId));
                index = Sent.Count - 1;
            }

            return Task.FromResult(new SentMessage(new MessageKey(peer, index + 1), DateTimeOffset.UtcNow));
        }
    }

    public Task EditTextAsync(PeerId peer, int messageId, string text, IReadOnlyList<MessageEntityBase> entities, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task DeleteMessagesAsync(PeerId peer, IReadOnlyList<int> messageIds, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task MarkReadAsync(PeerId peer, int maxId, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task SetTypingAsync(PeerId peer, CancellationToken cancellationToken) => Task.CompletedTask;

    // Media: the fake account has no files; the service's media paths are tested against the emulator.
    public Task<DownloadableMedia?> GetMessageMediaAsync(PeerId chat, int messageId, CancellationToken cancellationToken) => Task.FromResult<DownloadableMedia?>(null);

    public IAsyncEnumerable<ReadOnlyMemory<byte>> DownloadAsync(DownloadableMedia media, long offset, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The fake account connection has no files.");

    public Task<UploadedFile> UploadAsync(Stream content, long length, string fileName, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The fake account connection does not upload.");

    public Task<SentMessage> SendMediaAsync(PeerId peer, OutgoingMedia media, string caption, IReadOnlyList<MessageEntityBase> entities, long randomId, int? replyToMessageId, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The fake account connection does not send media.");

    public ValueTask HandAsync(UpdateBatch batch) =>
        (_handler ?? throw new InvalidOperationException("Not started.")).HandleAsync(batch, CancellationToken.None);

    public void RaiseSessionChanged() => SessionChanged?.Invoke(this, EventArgs.Empty);

    public void RaisePeersChanged() => PeersChanged?.Invoke(this, EventArgs.Empty);

    /// <summary>Telegram ended the session (SESSION_REVOKED…).</summary>
    public void End(string terminalError) => _stopped.TrySetResult(terminalError);

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        _stopped.TrySetResult(null);
        return ValueTask.CompletedTask;
    }
}
