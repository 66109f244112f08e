using Microsoft.Extensions.Logging;

namespace Channel.Persistence.Outbox;

/// <summary>
/// What <see cref="ChannelDbContext"/> does after a commit: wake the dispatcher (<see cref="OutboxSignal"/>) when
/// outbox rows were added, and tell every <see cref="IAccountStatusListener"/> about status changes. Scoped, resolved
/// with the context; a context built without it (design time, tests) only skips these notifications.
/// </summary>
public sealed partial class ChannelSaveNotifications(
    OutboxSignal signal, IEnumerable<IAccountStatusListener> listeners, ILogger<ChannelSaveNotifications> logger)
{
    private readonly IAccountStatusListener[] _listeners = [.. listeners];

    internal void Committed(IReadOnlyList<CommittedAccountChange> changes, bool outboxRowsAdded)
    {
        if (outboxRowsAdded)
        {
            signal.Notify();
        }

        foreach (var change in changes)
        {
            foreach (var listener in _listeners)
            {
                try
                {
                    if (change.Status is { } status)
                    {
                        listener.OnAccountStatusChanged(change.AccountId, status);
                    }
                    else
                    {
                        listener.OnAccountDeleted(change.AccountId);
                    }
                }
#pragma warning disable CA1031 // A listener's failure must not fail the caller whose data is already committed.
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    LogListenerFailed(logger, exception, listener.GetType().Name, change.AccountId.Value);
                }
            }
        }
    }

    [LoggerMessage(EventId = 1100, Level = LogLevel.Error, Message = "Account status listener {Listener} failed for account {AccountId}; the change is committed regardless.")]
    private static partial void LogListenerFailed(ILogger logger, Exception exception, string listener, Guid accountId);
}
