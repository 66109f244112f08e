namespace Channel.MTProto.Transport;

/// <summary>Why a connection failed. Every value except <see cref="TransportError"/> leaves the connection unusable.</summary>
internal enum TransportFailure
{
    /// <summary>The peer closed the stream cleanly between frames.</summary>
    ConnectionClosed,

    /// <summary>The stream ended inside a frame or an init header.</summary>
    TruncatedFrame,

    /// <summary>The socket failed, or an earlier failure/cancellation left the stream mid-frame.</summary>
    ConnectionBroken,

    /// <summary>The TCP connect itself failed.</summary>
    ConnectFailed,

    /// <summary>A length prefix is zero, too small, or not a multiple of 4 where the framing requires it.</summary>
    InvalidLength,

    /// <summary>A length prefix exceeds the configured maximum.</summary>
    FrameTooLarge,

    /// <summary>Full transport: CRC32 mismatch.</summary>
    ChecksumMismatch,

    /// <summary>Full transport: the sequence number is not the expected one.</summary>
    SequenceMismatch,

    /// <summary>The first bytes match no transport, or the obfuscated header carries an unknown protocol tag.</summary>
    UnknownProtocol,

    /// <summary>The peer sent a transport error code (see <see cref="TransportErrorException"/>).</summary>
    TransportError,
}

/// <summary>The one exception type the transport raises for network and protocol failures.</summary>
internal class TransportException : Exception
{
    public TransportException(TransportFailure failure, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
    }

    public TransportFailure Failure { get; }
}

/// <summary>The peer sent a lone negative int32 frame: -404 (auth key not found / bad handshake),
/// -429 (transport flood), -444 (invalid DC), or another code (kept raw).</summary>
internal sealed class TransportErrorException(int code)
    : TransportException(TransportFailure.TransportError, $"Transport error {code} ({Describe(code)}).")
{
    public const int AuthKeyNotFound = -404;
    public const int TransportFlood = -429;
    public const int InvalidDc = -444;

    public int Code { get; } = code;

    private static string Describe(int code) => code switch
    {
        AuthKeyNotFound => "auth key not found",
        TransportFlood => "transport flood",
        InvalidDc => "invalid DC",
        _ => "unknown code",
    };
}
