namespace Channel.Service.Messaging;

/// <summary>
/// The dispatcher's view of the outbox, for health and metrics: unsent rows, the age of the oldest, the last publish
/// error and whether the broker answered the last attempt. Singleton; thread-safe snapshots.
/// </summary>
public sealed class OutboxStatus(TimeProvider time)
{
    private readonly Lock _lock = new();
    private long _backlog;
    private DateTimeOffset? _oldestUnsentCreatedAt;
    private string? _lastPublishError;
    private bool? _brokerReachable;
    private DateTimeOffset? _lastPublishedAt;

    /// <summary>Unsent rows at the dispatcher's last scan.</summary>
    public long Backlog
    {
        get
        {
            lock (_lock)
            {
                return _backlog;
            }
        }
    }

    /// <summary>How long the oldest unsent row has waited (null when none).</summary>
    public TimeSpan? OldestUnsentAge
    {
        get
        {
            lock (_lock)
            {
                return _oldestUnsentCreatedAt is { } created ? time.GetUtcNow() - created : null;
            }
        }
    }

    /// <summary>The last publish failure (exception type and message, no message body); null after a success.</summary>
    public string? LastPublishError
    {
        get
        {
            lock (_lock)
            {
                return _lastPublishError;
            }
        }
    }

    /// <summary>Whether the last publish attempt was confirmed; null before the first attempt.</summary>
    public bool? BrokerReachable
    {
        get
        {
            lock (_lock)
            {
                return _brokerReachable;
            }
        }
    }

    public DateTimeOffset? LastPublishedAt
    {
        get
        {
            lock (_lock)
            {
                return _lastPublishedAt;
            }
        }
    }

    internal void Scanned(long backlog, DateTimeOffset? oldestCreatedAt)
    {
        lock (_lock)
        {
            _backlog = backlog;
            _oldestUnsentCreatedAt = oldestCreatedAt;
        }
    }

    internal void Published(DateTimeOffset at)
    {
        lock (_lock)
        {
            _brokerReachable = true;
            _lastPublishError = null;
            _lastPublishedAt = at;
        }
    }

    internal void PublishFailed(string error)
    {
        lock (_lock)
        {
            _brokerReachable = false;
            _lastPublishError = error;
        }
    }
}
