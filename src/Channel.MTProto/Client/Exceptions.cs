namespace Channel.MTProto.Client;

/// <summary>
/// The client stopped for good after an error that must not be retried (AUTH_KEY_UNREGISTERED while logged in,
/// SESSION_REVOKED, AUTH_KEY_DUPLICATED, USER_DEACTIVATED*, or the server forgetting an authorized key). Every
/// pending and later call fails with it; the host must act (log in again, mark the account).
/// </summary>
public sealed class MTProtoTerminalException : Exception
{
    public MTProtoTerminalException()
        : this("TERMINATED")
    {
    }

    public MTProtoTerminalException(string error)
        : base($"The MTProto client stopped after {error}.")
    {
        Error = error;
    }

    public MTProtoTerminalException(string error, Exception innerException)
        : base($"The MTProto client stopped after {error}.", innerException)
    {
        Error = error;
    }

    /// <summary>The Telegram error name (or transport condition) that stopped the client.</summary>
    public string Error { get; }
}

/// <summary>
/// The server rejected a request in a way re-sending cannot fix (bad_msg_notification 34/35/other, or the request
/// was re-sent too many times).
/// </summary>
public sealed class MTProtoProtocolException : Exception
{
    public MTProtoProtocolException()
    {
    }

    public MTProtoProtocolException(string message)
        : base(message)
    {
    }

    public MTProtoProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Raised when the client stops for good; see <see cref="MTProtoTerminalException"/>.</summary>
public sealed class MTProtoTerminalErrorEventArgs(int dcId, string error) : EventArgs
{
    public int DcId { get; } = dcId;

    /// <summary>AUTH_KEY_UNREGISTERED, SESSION_REVOKED, AUTH_KEY_DUPLICATED, USER_DEACTIVATED…, AUTH_KEY_NOT_FOUND.</summary>
    public string Error { get; } = error;
}

/// <summary>A transport connection to a DC closed; the client reconnects unless it was terminal.</summary>
public sealed class MTProtoDisconnectedEventArgs(int dcId, string reason, Exception exception) : EventArgs
{
    public int DcId { get; } = dcId;

    /// <summary>A short typed reason, e.g. "TransportException/FrameTooLarge", "MessageDecodeException/MessageKeyMismatch".</summary>
    public string Reason { get; } = reason;

    public Exception Exception { get; } = exception;
}

/// <summary>The server started a new session (new_session_created): updates may have been missed.</summary>
public sealed class MTProtoSessionResetEventArgs(int dcId) : EventArgs
{
    public int DcId { get; } = dcId;
}

/// <summary>A transport connection to a DC is up and has an auth key (after the first connect or a reconnect).</summary>
public sealed class MTProtoConnectedEventArgs(int dcId) : EventArgs
{
    public int DcId { get; } = dcId;
}
