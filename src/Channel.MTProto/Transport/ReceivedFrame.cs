using System.Buffers;

namespace Channel.MTProto.Transport;

/// <summary>
/// One received transport frame. Owns a buffer rented from <see cref="ArrayPool{T}.Shared"/>: dispose it once the
/// payload has been parsed or copied.
/// </summary>
internal sealed class ReceivedFrame : IDisposable
{
    private byte[]? _buffer;
    private readonly int _length;

    private ReceivedFrame(byte[]? buffer, int length, bool quickAckRequested, uint? quickAckToken)
    {
        _buffer = buffer;
        _length = length;
        QuickAckRequested = quickAckRequested;
        QuickAckToken = quickAckToken;
    }

    /// <summary>The packet. With padded intermediate this includes the sender's 0–15 padding bytes: the MTProto layer
    /// reads its own inner length and ignores the rest. Empty for a quick-ack token.</summary>
    public ReadOnlyMemory<byte> Payload => _buffer is null ? ReadOnlyMemory<byte>.Empty : _buffer.AsMemory(0, _length);

    /// <summary>Server side: the client set the quick-ack bit on this packet's length (the bit is stripped).</summary>
    public bool QuickAckRequested { get; }

    /// <summary>Client side: this frame is not a packet but the server's quick-ack token for an earlier one.</summary>
    public uint? QuickAckToken { get; }

    public static ReceivedFrame ForPacket(byte[] rented, int length, bool quickAckRequested) =>
        new(rented, length, quickAckRequested, quickAckToken: null);

    public static ReceivedFrame ForQuickAck(uint token) => new(null, 0, quickAckRequested: false, token);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
