using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;

namespace Channel.MTProto.Transport;

internal sealed partial class FramedConnection
{
    // Largest framing overhead: full transport header (8) + CRC (4), or intermediate length (4) + padding (15).
    private const int MaxFrameOverhead = 32;
    private const int MaxPadding = 15;

    /// <summary>
    /// Sends one packet as one frame. Thread-safe: concurrent callers are serialised and frames never interleave.
    /// The packet must be non-empty, at most the configured maximum and (except for padded intermediate) a multiple
    /// of 4 bytes. Padded intermediate appends 0–15 random bytes.
    /// </summary>
    public ValueTask SendAsync(ReadOnlyMemory<byte> packet, CancellationToken ct)
    {
        if (packet.Length == 0 || packet.Length > _maxFrameLength || (Kind != TransportKind.PaddedIntermediate && packet.Length % 4 != 0))
        {
            throw new ArgumentException(
                $"A {Kind} packet must be 1..{_maxFrameLength} bytes and (except padded intermediate) a multiple of 4; got {packet.Length}.",
                nameof(packet));
        }

        return SendFrameAsync(packet, addPadding: Kind == TransportKind.PaddedIntermediate, ct);
    }

    private async ValueTask SendFrameAsync(ReadOnlyMemory<byte> packet, bool addPadding, CancellationToken ct)
    {
        await _sendLock.WaitAsync(ct).ConfigureAwait(false);
        byte[]? frame = null;
        try
        {
            if (_sendUnusable)
            {
                throw TransportThrowHelper.Unusable();
            }

            frame = ArrayPool<byte>.Shared.Rent(packet.Length + MaxFrameOverhead);
            var length = EncodeFrame(packet.Span, frame, addPadding);

            // From here until the frame is fully written, a failure leaves the cipher, seqno or peer mid-frame.
            _sendUnusable = true;
            try
            {
                _encryptor?.Transform(frame.AsSpan(0, length), frame.AsSpan(0, length));
            }
            catch (ObjectDisposedException ex)
            {
                throw TransportThrowHelper.Broken(ex);
            }

            await WriteRawAsync(frame.AsMemory(0, length), ct).ConfigureAwait(false);
            _sendUnusable = false;
        }
        finally
        {
            _sendLock.Release();
            if (frame is not null)
            {
                ArrayPool<byte>.Shared.Return(frame);
            }
        }
    }

    /// <summary>Writes the framed packet into <paramref name="frame"/> and returns the frame length.</summary>
    private int EncodeFrame(ReadOnlySpan<byte> packet, Span<byte> frame, bool addPadding)
    {
        switch (Kind)
        {
            case TransportKind.Abridged:
            {
                var words = packet.Length / 4;
                int headerLength;
                if (words < 0x7f)
                {
                    frame[0] = (byte)words;
                    headerLength = 1;
                }
                else
                {
                    // 0x7f, then length/4 as 24-bit little-endian.
                    BinaryPrimitives.WriteInt32LittleEndian(frame, (words << 8) | 0x7f);
                    headerLength = 4;
                }

                packet.CopyTo(frame[headerLength..]);
                return headerLength + packet.Length;
            }

            case TransportKind.Intermediate:
            case TransportKind.PaddedIntermediate:
            {
                var padding = addPadding ? RandomNumberGenerator.GetInt32(Math.Min(MaxPadding, _maxFrameLength - packet.Length) + 1) : 0;
                BinaryPrimitives.WriteInt32LittleEndian(frame, packet.Length + padding);
                packet.CopyTo(frame[4..]);
                RandomNumberGenerator.Fill(frame.Slice(4 + packet.Length, padding));
                return 4 + packet.Length + padding;
            }

            case TransportKind.Full:
            {
                var total = packet.Length + 12;
                BinaryPrimitives.WriteInt32LittleEndian(frame, total);
                BinaryPrimitives.WriteInt32LittleEndian(frame[4..], _sendSeq++);
                packet.CopyTo(frame[8..]);
                BinaryPrimitives.WriteUInt32LittleEndian(frame[(total - 4)..], Crc32.HashToUInt32(frame[..(total - 4)]));
                return total;
            }

            default:
                throw new InvalidOperationException($"Unknown transport kind {Kind}.");
        }
    }
}
