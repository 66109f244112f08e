namespace Channel.Service.Outbound;

/// <summary>
/// A reply or chat action could not be done; <see cref="Reason"/> is the ErrorInfo reason (ours or Telegram's error
/// name). Mapped to gRPC by <see cref="OutboundRpcExceptionMapper"/>.
/// </summary>
internal sealed class OutboundException : Exception
{
    public OutboundException()
        : this(OutboundFailureKind.FailedPrecondition, "UNKNOWN", "The message could not be sent.")
    {
    }

    public OutboundException(string message)
        : this(OutboundFailureKind.FailedPrecondition, "UNKNOWN", message)
    {
    }

    public OutboundException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = "UNKNOWN";
    }

    public OutboundException(OutboundFailureKind kind, string reason, string message, TimeSpan? retryAfter = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        Reason = reason;
        RetryAfter = retryAfter;
    }

    public OutboundFailureKind Kind { get; }

    public string Reason { get; }

    public TimeSpan? RetryAfter { get; }
}

internal enum OutboundFailureKind
{
    FailedPrecondition,
    NotFound,
    FloodWait,
    Unavailable,

    /// <summary>The text is over message_length_max: a field violation on <c>text</c>.</summary>
    TextTooLong,
}
