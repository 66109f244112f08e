using Channel.MTProto.Accounts;
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
