using Microsoft.Extensions.Logging;

namespace Channel.MTProto.Client;

/// <summary>Connections apart from the client's own (one per DC), for media transfers (see Media/MediaConnectionPool).</summary>
internal sealed partial class MTProtoClient
{
    /// <summary>
    /// A new connection to <paramref name="dcId"/> on this client's session state (the DC's auth key and salts, its own
    /// session id) that reports to <paramref name="owner"/> instead of this client: its updates, resets and terminal
    /// errors never reach the account's update stream. It prefers the DC's media_only addresses (see
    /// <see cref="DcAddressBook"/>). The caller starts and disposes it.
    /// </summary>
    public MTProtoConnection CreateDetachedConnection(int dcId, IConnectionOwner owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
        }

        return new MTProtoConnection(dcId, _options, Session, owner, _loggerFactory.CreateLogger<MTProtoConnection>(), _timeProvider, _random, ct => GetEndPointsAsync(dcId, forMedia: true, ct));
    }
}
