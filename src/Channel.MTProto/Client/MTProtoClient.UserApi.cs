namespace Channel.MTProto.Client;

/// <summary>Hooks the login flow needs on top of the client (added for issue 5; kept apart from the connection code).</summary>
internal sealed partial class MTProtoClient
{
    /// <summary>The options this client was built with (api_id for auth.sendCode, the configured DCs).</summary>
    public MTProtoClientOptions Options => _options;

    /// <summary>
    /// Closes the connection to <paramref name="dcId"/> and forgets its auth key, salts and clock offset, so the
    /// next call there starts a new key exchange. Used after auth.logOut: a logged-out key is never reused.
    /// </summary>
    public async Task ForgetDcAsync(int dcId)
    {
        MTProtoConnection? connection;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // Removed under the lock so no caller picks up the closing connection.
            _connections.Remove(dcId, out connection);
        }

        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        Session.ForgetDc(dcId);
    }
}
