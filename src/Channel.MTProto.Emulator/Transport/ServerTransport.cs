using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;
using Channel.MTProto.Emulator.Interim;

namespace Channel.MTProto.Emulator.Transport;

/// <summary>
/// The server end of one MTProto TCP transport. <see cref="AcceptAsync"/> reads the client's first bytes and
/// detects abridged (<c>ef</c>), intermediate (<c>eeeeeeee</c>), padded intermediate (<c>dddddddd</c>), full
/// (bytes 4..8 are the zero sequence number) or the 64-byte obfuscation header wrapping one of the first three.
/// Reads and writes are each single-threaded; the connection serialises writers.
/// Interim: the shared server accept of wip/transport replaces this once merged.
/// </summary>
internal sealed class ServerTransport : IDisposable
{
    private const int ObfuscationHeaderLength = 64;

    private readonly Stream _stream;
    private readonly TransportFraming _framing;
    private readonly int _maxFrameLength;
    private readonly AesCtrStream? _decryptor;
    private readonly AesCtrStream? _encryptor;
    private int _readSeq;
    private int _writeSeq;

    private ServerTransport(Stream stream, TransportFraming framing, int maxFrameLength, AesCtrStream? decryptor, AesCtrStream? encryptor)
    {
        _stream = stream;
        _framing = framing;
        _maxFrameLength = maxFrameLength;
        _decryptor = decryptor;
        _encryptor = encryptor;
    }

    public TransportFraming Framing => _framing;

    public bool IsObfuscated => _decryptor is not null;

    /// <summary>A description for logs, e.g. "obfuscated abridged".</summary>
    public string Name => IsObfuscated ? $"obfuscated {_framing.ToString().ToLowerInvariant()}" : _framing.ToString().ToLowerInvariant();

    /// <summary>
    /// Detects the transport from the first bytes. Returns the transport and, for the full transport, the first
    /// frame's already-read prefix is consumed internally. Throws <see cref="TransportProtocolException"/> on an
    /// impossible header and <see cref="EndOfStreamException"/> if the client leaves first.
    /// </summary>
    public static async Task<ServerTransport> AcceptAsync(Stream stream, int maxFrameLength, CancellationToken cancellationToken)
    {
        var header = new byte[ObfuscationHeaderLength];
        await stream.ReadExactlyAsync(header.AsMemory(0, 1), cancellationToken);
        if (header[0] == 0xef)
        {
            return new ServerTransport(stream, TransportFraming.Abridged, maxFrameLength, null, null);
        }

        await stream.ReadExactlyAsync(header.AsMemory(1, 3), cancellationToken);
        var first = BinaryPrimitives.ReadUInt32LittleEndian(header);
        if (first == 0xeeeeeeee)
        {
            return new ServerTransport(stream, TransportFraming.Intermediate, maxFrameLength, null, null);
        }

        if (first == 0xdddddddd)
        {
            return new ServerTransport(stream, TransportFraming.PaddedIntermediate, maxFrameLength, null, null);
        }

        await stream.ReadExactlyAsync(header.AsMemory(4, 4), cancellationToken);
        if (BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4)) == 0)
        {
            // Full transport: those 8 bytes were the first frame's length and sequence number 0.
            var full = new ServerTransport(new PrefixedStream(header.AsSpan(0, 8).ToArray(), stream), TransportFraming.Full, maxFrameLength, null, null);
            return full;
        }

        await stream.ReadExactlyAsync(header.AsMemory(8, ObfuscationHeaderLength - 8), cancellationToken);
        return AcceptObfuscated(stream, header, maxFrameLength);
    }

    private static ServerTransport AcceptObfuscated(Stream stream, byte[] header, int maxFrameLength)
    {
        // The client encrypts with header[8..40]/[40..56]; it decrypts with the same offsets of the reversed header.
        Span<byte> reversed = stackalloc byte[48];
        header.AsSpan(8, 48).CopyTo(reversed);
        reversed.Reverse();
        var decryptor = new AesCtrStream(header.AsSpan(8, 32), header.AsSpan(40, 16));
        var encryptor = new AesCtrStream(reversed[..32], reversed[32..48]);
        Span<byte> plain = stackalloc byte[ObfuscationHeaderLength];
        header.CopyTo(plain);
        decryptor.Transform(plain);
        var framing = BinaryPrimitives.ReadUInt32LittleEndian(plain[56..]) switch
        {
            0xefefefef => TransportFraming.Abridged,
            0xeeeeeeee => TransportFraming.Intermediate,
            0xdddddddd => TransportFraming.PaddedIntermediate,
            _ => (TransportFraming?)null,
        };
        if (framing is null)
        {
            decryptor.Dispose();
            encryptor.Dispose();
            throw new TransportProtocolException("Unknown transport header (neither a plain transport tag nor an obfuscated protocol id).");
        }

        return new ServerTransport(stream, framing.Value, maxFrameLength, decryptor, encryptor);
    }

    /// <summary>Reads one frame's payload, or returns null when the client closed the stream between frames.</summary>
    public async Task<byte[]?> ReadFrameAsync(CancellationToken cancellationToken)
    {
        var prefix = new byte[4];
        var firstRead = _framing == TransportFraming.Abridged ? 1 : 4;
        if (!await TryReadAsync(prefix.AsMemory(0, firstRead), cancellationToken))
        {
            return null;
        }

        int length;
        switch (_framing)
        {
            case TransportFraming.Abridged:
                // The high bit asks for a quick ack; the emulator doesn't send quick acks, so it is ignored.
                length = prefix[0] & 0x7f;
                if (length == 0x7f)
                {
                    await ReadAsync(prefix.AsMemory(0, 3), cancellationToken);
                    length = prefix[0] | (prefix[1] << 8) | (prefix[2] << 16);
                }

                length = checked(length * 4);
                break;
            case TransportFraming.Full:
                length = BinaryPrimitives.ReadInt32LittleEndian(prefix) - 12;
                break;
            default:
                length = BinaryPrimitives.ReadInt32LittleEndian(prefix) & 0x7fffffff;
                break;
        }

        if (length <= 0 || length > _maxFrameLength)
        {
            throw new TransportProtocolException($"Frame length {length} is outside 1..{_maxFrameLength}.");
        }

        if (_framing != TransportFraming.Full)
        {
            var payload = new byte[length];
            await ReadAsync(payload, cancellationToken);
            return payload;
        }

        var frame = new byte[length + 12];
        prefix.CopyTo(frame, 0);
        await ReadAsync(frame.AsMemory(4), cancellationToken);
        var seq = BinaryPrimitives.ReadInt32LittleEndian(frame.AsSpan(4));
        if (seq != _readSeq++)
        {
            throw new TransportProtocolException($"Full transport sequence number {seq}, expected {_readSeq - 1}.");
        }

        var crc = BinaryPrimitives.ReadUInt32LittleEndian(frame.AsSpan(length + 8));
        if (crc != Crc32.HashToUInt32(frame.AsSpan(0, length + 8)))
        {
            throw new TransportProtocolException("Full transport CRC32 mismatch.");
        }

        return frame.AsSpan(8, length).ToArray();
    }

    /// <summary>Writes one frame. Callers serialise calls (the obfuscation stream and full seq are stateful).</summary>
    public async Task SendAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var frame = BuildFrame(payload.Span);
        _encryptor?.Transform(frame);
        await _stream.WriteAsync(frame, cancellationToken);
        await _stream.FlushAsync(cancellationToken);
    }

    /// <summary>A transport error is a lone negative 4-byte int in an ordinary frame (−404, −429, −444).</summary>
    public Task SendTransportErrorAsync(int code, CancellationToken cancellationToken)
    {
        var payload = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(payload, code);
        return SendAsync(payload, cancellationToken);
    }

    private byte[] BuildFrame(ReadOnlySpan<byte> payload)
    {
        switch (_framing)
        {
            case TransportFraming.Abridged:
            {
                var words = payload.Length / 4;
                var header = words < 0x7f ? 1 : 4;
                var frame = new byte[header + payload.Length];
                if (header == 1)
                {
                    frame[0] = (byte)words;
                }
                else
                {
                    frame[0] = 0x7f;
                    frame[1] = (byte)words;
                    frame[2] = (byte)(words >> 8);
                    frame[3] = (byte)(words >> 16);
                }

                payload.CopyTo(frame.AsSpan(header));
                return frame;
            }

            case TransportFraming.Intermediate:
            {
                var frame = new byte[4 + payload.Length];
                BinaryPrimitives.WriteInt32LittleEndian(frame, payload.Length);
                payload.CopyTo(frame.AsSpan(4));
                return frame;
            }

            case TransportFraming.PaddedIntermediate:
            {
                var padding = RandomNumberGenerator.GetInt32(16);
                var frame = new byte[4 + payload.Length + padding];
                BinaryPrimitives.WriteInt32LittleEndian(frame, payload.Length + padding);
                payload.CopyTo(frame.AsSpan(4));
                RandomNumberGenerator.Fill(frame.AsSpan(4 + payload.Length));
                return frame;
            }

            default:
            {
                var frame = new byte[payload.Length + 12];
                BinaryPrimitives.WriteInt32LittleEndian(frame, frame.Length);
                BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(4), _writeSeq++);
                payload.CopyTo(frame.AsSpan(8));
                BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(payload.Length + 8), Crc32.HashToUInt32(frame.AsSpan(0, payload.Length + 8)));
                return frame;
            }
        }
    }

    private async Task ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        await _stream.ReadExactlyAsync(buffer, cancellationToken);
        _decryptor?.Transform(buffer.Span);
    }

    /// <summary>Like <see cref="ReadAsync"/>, but a clean end of stream before the first byte returns false.</summary>
    private async Task<bool> TryReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var read = await _stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        if (read == 0)
        {
            return false;
        }

        if (read < buffer.Length)
        {
            throw new EndOfStreamException("The client closed the connection inside a frame header.");
        }

        _decryptor?.Transform(buffer.Span);
        return true;
    }

    public void Dispose()
    {
        _decryptor?.Dispose();
        _encryptor?.Dispose();
    }

    /// <summary>Replays the bytes consumed while detecting the full transport, then reads the socket.</summary>
    private sealed class PrefixedStream(byte[] prefix, Stream inner) : Stream
    {
        private int _prefixOffset;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_prefixOffset < prefix.Length)
            {
                var count = Math.Min(buffer.Length, prefix.Length - _prefixOffset);
                prefix.AsSpan(_prefixOffset, count).CopyTo(buffer.Span);
                _prefixOffset += count;
                return count;
            }

            return await inner.ReadAsync(buffer, cancellationToken);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
            => inner.WriteAsync(buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => inner.WriteAsync(buffer, offset, count, cancellationToken);

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }
}

/// <summary>The framing under (optional) obfuscation.</summary>
internal enum TransportFraming
{
    Abridged,
    Intermediate,
    PaddedIntermediate,
    Full,
}
