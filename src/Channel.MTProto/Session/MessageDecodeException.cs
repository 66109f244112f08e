namespace Channel.MTProto.Session;

/// <summary>Why a received MTProto packet was rejected. Names only, never secret values.</summary>
internal enum MessageDecodeError
{
    /// <summary>The packet is shorter than its fixed header or its length is not what the format requires.</summary>
    BadLength,

    /// <summary>An unencrypted packet arrived where an encrypted one was expected, or the other way round.</summary>
    UnexpectedAuthKeyId,

    /// <summary>The auth_key_id in front of the packet is not the key of this connection.</summary>
    AuthKeyMismatch,

    /// <summary>msg_key recomputed from the decrypted plaintext differs from the one sent: tampered or wrong key.</summary>
    MessageKeyMismatch,

    /// <summary>The inner message length is negative, not a multiple of 4, or larger than the payload.</summary>
    BadInnerLength,

    /// <summary>Padding outside 12..1024 bytes.</summary>
    BadPadding,

    /// <summary>The session id inside the message is not this session's.</summary>
    SessionMismatch,

    /// <summary>The msg_id has the wrong residue modulo 4 for its direction.</summary>
    BadMessageIdParity,
}

/// <summary>
/// A received MTProto packet failed a check the protocol requires (framing, auth key id, msg_key, lengths,
/// padding, session). The connection that produced it must be closed; the message says which check failed and
/// nothing else.
/// </summary>
internal sealed class MessageDecodeException : Exception
{
    public MessageDecodeException()
        : this(MessageDecodeError.BadLength)
    {
    }

    public MessageDecodeException(string message)
        : base(message)
    {
    }

    public MessageDecodeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public MessageDecodeException(MessageDecodeError error)
        : base($"MTProto packet rejected: {error}.")
    {
        Error = error;
    }

    public MessageDecodeError Error { get; }
}
