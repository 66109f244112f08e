using Channel.MTProto.Client;
using Channel.MTProto.Tl;
using Channel.MTProto.Tl.Api;
using Microsoft.Extensions.Logging;

namespace Channel.MTProto.Media;

/// <summary>
/// One media connection per DC, apart from the update connection, so a download never queues behind (or in front of)
/// the account's updates and messages. On the main DC it shares the logged-in auth key (a second session, as Telegram's
/// apps do; Telegram refuses auth.exportAuthorization to the DC it is called on). On any other DC it has that DC's
/// own key, authorized once with auth.exportAuthorization (main DC) and auth.importAuthorization (there). A connection
/// that stops for good (e.g. its key lost its authorization) is replaced on the next call.
/// </summary>
internal sealed partial class MediaConnectionPool(MTProtoClient client, Func<int, CancellationToken, Task<Auth.ExportedAuthorizationBase>> exportAuthorization, ILogger logger)
    : IConnectionOwner, IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, Entry> _entries = [];
    private bool _disposed;

    /// <summary>Calls <paramref name="request"/> on the media connection of <paramref name="dcId"/>; a dead connection is
    /// replaced (and authorized again) once.</summary>
    public async Task<TResult> InvokeAsync<TResult>(int dcId, ITlMethod<TResult> request, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var entry = GetEntry(dcId);
            try
            {
                await entry.Authorized.WaitAsync(cancellationToken).ConfigureAwait(false);
                return await MTProtoTelemetry.TraceAsync(dcId, request, () => entry.Connection.InvokeAsync(request, timeout: null, cancellationToken)).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && (entry.Authorized.IsFaulted || ex is MTProtoTerminalException || ex is TelegramRpcException { ErrorName: "AUTH_KEY_UNREGISTERED" }))
            {
                Log.MediaConnectionReplaced(logger, dcId, ex.Message);
                Drop(entry);
                if (attempt > 0)
                {
                    throw;
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Entry[] entries;
        lock (_lock)
        {
            _disposed = true;
            entries = [.. _entries.Values];
            _entries.Clear();
        }

        foreach (var entry in entries)
        {
            await entry.Connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    // The media connections' updates duplicate the update connection's; resets and drops matter only there.
    void IConnectionOwner.OnUpdate(int dcId, UpdatesBase update)
    {
    }

    void IConnectionOwner.OnSessionReset(int dcId)
    {
    }

    void IConnectionOwner.OnDisconnected(int dcId, string reason, Exception exception)
    {
    }

    void IConnectionOwner.OnConnected(int dcId)
    {
    }

    void IConnectionOwner.OnTerminalError(int dcId, string error)
    {
        Log.MediaConnectionStopped(logger, dcId, error);
        Entry? dead;
        lock (_lock)
        {
            dead = _entries.TryGetValue(dcId, out var entry) && entry.Connection.TerminalError is not null ? entry : null;
        }

        if (dead is not null)
        {
            Drop(dead);
        }
    }

    private Entry GetEntry(int dcId)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_entries.TryGetValue(dcId, out var existing))
            {
                return existing;
            }

            var entry = new Entry(dcId, client.CreateDetachedConnection(dcId, this));
            entry.Authorized = AuthorizeAsync(entry);
            _entries[dcId] = entry;
            return entry;
        }
    }

    private async Task AuthorizeAsync(Entry entry)
    {
        await Task.Yield();
        entry.Connection.Start();
        if (entry.DcId == client.Session.MainDcId)
        {
            return;
        }

        var exported = await exportAuthorization(entry.DcId, CancellationToken.None).ConfigureAwait(false);
        if (exported is Auth.ExportedAuthorization export)
        {
            await entry.Connection.InvokeAsync(new Auth.ImportAuthorization { Id = export.Id, Bytes = export.Bytes }, timeout: null, CancellationToken.None).ConfigureAwait(false);
            Log.MediaDcAuthorized(logger, entry.DcId);
        }
    }

    private void Drop(Entry entry)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(entry.DcId, out var current) || current != entry)
            {
                return;
            }

            _entries.Remove(entry.DcId);
        }

        _ = entry.Connection.DisposeAsync().AsTask();
    }

    private sealed class Entry(int dcId, MTProtoConnection connection)
    {
        public int DcId { get; } = dcId;

        public MTProtoConnection Connection { get; } = connection;

        public Task Authorized { get; set; } = Task.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(800, LogLevel.Information, "Media connection to DC {DcId} authorized (auth.importAuthorization)")]
        public static partial void MediaDcAuthorized(ILogger logger, int dcId);

        [LoggerMessage(801, LogLevel.Warning, "Media connection to DC {DcId} stopped for good ({Error}); a new one is made on the next transfer")]
        public static partial void MediaConnectionStopped(ILogger logger, int dcId, string error);

        [LoggerMessage(802, LogLevel.Information, "Media connection to DC {DcId} replaced after: {Reason}")]
        public static partial void MediaConnectionReplaced(ILogger logger, int dcId, string reason);
    }
}
