using System.Diagnostics.CodeAnalysis;

namespace Channel.MTProto.Transport;

/// <summary>Throw sites kept out of the hot framing code. Messages carry sizes and codes, never payload bytes.</summary>
internal static class TransportThrowHelper
{
    [DoesNotReturn]
    public static void ThrowInvalidLength(TransportKind kind, long length) =>
        throw new TransportException(TransportFailure.InvalidLength, $"Invalid {kind} frame length {length}.");

    [DoesNotReturn]
    public static void ThrowFrameTooLarge(long length, int maxFrameLength) =>
        throw new TransportException(TransportFailure.FrameTooLarge, $"Frame length {length} exceeds the maximum of {maxFrameLength} bytes.");

    [DoesNotReturn]
    public static void ThrowChecksumMismatch(uint expected, uint actual) =>
        throw new TransportException(TransportFailure.ChecksumMismatch, $"Full transport CRC32 mismatch (frame says {expected:x8}, computed {actual:x8}).");

    [DoesNotReturn]
    public static void ThrowSequenceMismatch(int expected, int actual) =>
        throw new TransportException(TransportFailure.SequenceMismatch, $"Full transport sequence number {actual}, expected {expected}.");

    [DoesNotReturn]
    public static void ThrowUnknownProtocol(string what) =>
        throw new TransportException(TransportFailure.UnknownProtocol, $"Unknown transport: {what}.");

    public static TransportException EndOfStream(bool atFrameBoundary) => atFrameBoundary
        ? new TransportException(TransportFailure.ConnectionClosed, "The peer closed the connection.")
        : new TransportException(TransportFailure.TruncatedFrame, "The connection closed in the middle of a frame.");

    public static TransportException Broken(Exception? inner) =>
        new(TransportFailure.ConnectionBroken, "The connection is broken.", inner);

    public static TransportException Unusable() =>
        new(TransportFailure.ConnectionBroken, "An earlier failure or cancellation left this connection mid-frame; reconnect.");
}
