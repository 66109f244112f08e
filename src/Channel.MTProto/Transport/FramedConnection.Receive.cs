using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;

namespace Channel.MTProto.Transport;

internal sealed partial class FramedConnection
{
    // Frame bodies are read into a buffer that starts at this size and doubles as bytes actually arrive, so a
    // length prefix alone (even one within the maximum) never makes us allocate what it claims.
    private const int InitialBodyBuffer = 64 * 1024;

    private const uint QuickAckBit = 0x8000_0000;

    // Negative values from here to -1 in a length position are error codes, not quick-ack tokens.
    private const int LengthPositionErrorFloor = -0xFFF;

    /// <summary>
    /// Receives the next frame. One caller at a time. A transport error frame (a lone negative int32) throws
    /// <see cref="TransportErrorException"/>; protocol violations and closed streams throw
    /// <see cref="TransportException"/>.
    /// </summary>
    public async ValueTask<ReceivedFrame> ReceiveAsync(CancellationToken ct)
    {
        if (Interlocked.Exchange(ref _receiving, 1) != 0)
        {
            throw new InvalidOperationException("Another receive is already pending on this connection.");
        }

        try
        {
            if (_receiveUnusable)
            {
                throw TransportThrowHelper.Unusable();
            }

            return await ReceiveFrameAsync(ct).ConfigureAwait(false);
        }
        catch (TransportErrorException)
        {
            // The error frame was read whole: the stream is still at a frame boundary.
            throw;
        }
        catch (ObjectDisposedException ex)
        {
            // The decryptor was disposed under a pending read.
            _receiveUnusable = true;
            throw TransportThrowHelper.Broken(ex);
        }
        catch
        {
            _receiveUnusable = true;
            throw;
        }
        finally
        {
            Volatile.Write(ref _receiving, 0);
        }
    }

    private async ValueTask<ReceivedFrame> ReceiveFrameAsync(CancellationToken ct)
    {
        if (Kind == TransportKind.Full)
        {
            return await ReceiveFullFrameAsync(ct).ConfigureAwait(false);
        }

        long length;
        bool quickAckRequested;
        if (Kind == TransportKind.Abridged)
        {
            await ReadExactAsync(_header.AsMemory(0, 1), atFrameBoundary: true, ct).ConfigureAwait(false);
            var first = _header[0];
            quickAckRequested = (first & 0x80) != 0;
            if (quickAckRequested && !_isServer)
            {
                // The server's quick-ack token: 4 bytes, byte-swapped (big-endian) so the set top bit comes first.
                await ReadExactAsync(_header.AsMemory(1, 3), atFrameBoundary: false, ct).ConfigureAwait(false);
                return ReceivedFrame.ForQuickAck(BinaryPrimitives.ReadUInt32BigEndian(_header));
            }

            first &= 0x7f;
            if (first == 0x7f)
            {
                await ReadExactAsync(_header.AsMemory(1, 3), atFrameBoundary: false, ct).ConfigureAwait(false);
                length = (_header[1] | (_header[2] << 8) | (_header[3] << 16)) * 4L;
            }
            else
            {
                length = first * 4L;
            }
        }
        else
        {
            await ReadExactAsync(_header.AsMemory(0, 4), atFrameBoundary: true, ct).ConfigureAwait(false);
            var raw = BinaryPrimitives.ReadUInt32LittleEndian(_header);
            if (IsQuickAckToken(raw, out quickAckRequested))
            {
                return QuickAckOrLengthPositionError(raw);
            }

            length = raw & ~QuickAckBit;
        }

        var payloadLength = ValidatePayloadLength(length);
        var body = await ReadBodyAsync(payloadLength, ct).ConfigureAwait(false);
        return CompleteFrame(body, payloadLength, quickAckRequested);
    }

    private async ValueTask<ReceivedFrame> ReceiveFullFrameAsync(CancellationToken ct)
    {
        await ReadExactAsync(_header.AsMemory(0, 4), atFrameBoundary: true, ct).ConfigureAwait(false);
        var raw = BinaryPrimitives.ReadUInt32LittleEndian(_header);
        if (IsQuickAckToken(raw, out var quickAckRequested))
        {
            return QuickAckOrLengthPositionError(raw);
        }

        // The length counts itself, the seqno and the CRC.
        var payloadLength = ValidatePayloadLength((raw & ~QuickAckBit) - 12L);
        await ReadExactAsync(_header.AsMemory(4, 4), atFrameBoundary: false, ct).ConfigureAwait(false);
        var body = await ReadBodyAsync(payloadLength + sizeof(uint), ct).ConfigureAwait(false);
        try
        {
            var crc = new Crc32();
            crc.Append(_header.AsSpan(0, 8));
            crc.Append(body.AsSpan(0, payloadLength));
            var computed = crc.GetCurrentHashAsUInt32();
            var sent = BinaryPrimitives.ReadUInt32LittleEndian(body.AsSpan(payloadLength));
            if (computed != sent)
            {
                TransportThrowHelper.ThrowChecksumMismatch(sent, computed);
            }

            var seq = BinaryPrimitives.ReadInt32LittleEndian(_header.AsSpan(4));
            if (seq != _receiveSeq)
            {
                TransportThrowHelper.ThrowSequenceMismatch(_receiveSeq, seq);
            }

            _receiveSeq++;
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(body);
            throw;
        }

        return CompleteFrame(body, payloadLength, quickAckRequested);
    }

    /// <summary>
    /// A length with the top bit set is, from a client, a quick-ack request on that packet; from the server, a
    /// quick-ack token standing alone in place of a frame.
    /// </summary>
    private bool IsQuickAckToken(uint rawLength, out bool quickAckRequested)
    {
        var bitSet = (rawLength & QuickAckBit) != 0;
        quickAckRequested = bitSet && _isServer;
        return bitSet && !_isServer;
    }

    /// <summary>
    /// Telegram has been seen sending the error code itself where a length belongs (full transport: length, seqno
    /// and body all -429; Telethon issue 4042, handled the same way by GramJS). A real quick-ack token is the top of a
    /// SHA-256 with the high bit set and all but never falls in this range (we never request quick acks anyway).
    /// What follows such a code is unknown, so the receive side is done.
    /// </summary>
    private ReceivedFrame QuickAckOrLengthPositionError(uint raw)
    {
        var code = (int)raw;
        if (code >= LengthPositionErrorFloor)
        {
            _receiveUnusable = true;
            throw new TransportErrorException(code);
        }

        return ReceivedFrame.ForQuickAck(raw);
    }

    private int ValidatePayloadLength(long length)
    {
        if (length > _maxFrameLength)
        {
            TransportThrowHelper.ThrowFrameTooLarge(length, _maxFrameLength);
        }

        if (length < 4 || (Kind != TransportKind.PaddedIntermediate && length % 4 != 0))
        {
            TransportThrowHelper.ThrowInvalidLength(Kind, length);
        }

        return (int)length;
    }

    /// <summary>Reads <paramref name="length"/> bytes into a pooled buffer that grows only as data arrives.</summary>
    private async ValueTask<byte[]> ReadBodyAsync(int length, CancellationToken ct)
    {
        var pool = ArrayPool<byte>.Shared;
        var buffer = pool.Rent(Math.Min(length, InitialBodyBuffer));
        try
        {
            var filled = 0;
            while (true)
            {
                var target = Math.Min(length, buffer.Length);
                await ReadExactAsync(buffer.AsMemory(filled, target - filled), atFrameBoundary: false, ct).ConfigureAwait(false);
                filled = target;
                if (filled == length)
                {
                    return buffer;
                }

                var grown = pool.Rent((int)Math.Min(length, 2L * buffer.Length));
                buffer.AsSpan(0, filled).CopyTo(grown);
                pool.Return(buffer);
                buffer = grown;
            }
        }
        catch
        {
            pool.Return(buffer);
            throw;
        }
    }

    /// <summary>Turns a lone negative int32 into <see cref="TransportErrorException"/>, else wraps the packet.</summary>
    private ReceivedFrame CompleteFrame(byte[] body, int payloadLength, bool quickAckRequested)
    {
        // Padded intermediate may carry an error code followed by padding; no real packet is that short.
        var errorFrameLimit = Kind == TransportKind.PaddedIntermediate ? 4 + MaxPadding : 4;
        if (payloadLength <= errorFrameLimit && BinaryPrimitives.ReadInt32LittleEndian(body) is var code && code < 0)
        {
            ArrayPool<byte>.Shared.Return(body);
            throw new TransportErrorException(code);
        }

        return ReceivedFrame.ForPacket(body, payloadLength, quickAckRequested);
    }
}
