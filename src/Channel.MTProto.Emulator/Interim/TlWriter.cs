using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;

namespace Channel.MTProto.Emulator.Interim;

/// <summary>
/// Writes TL primitives into a growable buffer. Interim: replaced by the shared TL writer of wip/tl.
/// </summary>
internal sealed class TlWriter
{
    public const uint VectorId = 0x1cb5c415;
    public const uint BoolTrue = 0x997275b5;
    public const uint BoolFalse = 0xbc799737;

    private readonly ArrayBufferWriter<byte> _buffer;

    public TlWriter(int initialCapacity = 256) => _buffer = new ArrayBufferWriter<byte>(initialCapacity);

    public int Length => _buffer.WrittenCount;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    public TlWriter WriteInt32(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
        return this;
    }

    public TlWriter WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
        return this;
    }

    public TlWriter WriteInt64(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
        return this;
    }

    public TlWriter WriteBool(bool value) => WriteUInt32(value ? BoolTrue : BoolFalse);

    public TlWriter WriteRaw(ReadOnlySpan<byte> bytes)
    {
        _buffer.Write(bytes);
        return this;
    }

    /// <summary>A TL <c>bytes</c>/<c>string</c> with its length prefix and padding to 4 bytes.</summary>
    public TlWriter WriteBytes(ReadOnlySpan<byte> bytes)
    {
        int header;
        if (bytes.Length < 254)
        {
            _buffer.GetSpan(1)[0] = (byte)bytes.Length;
            _buffer.Advance(1);
            header = 1;
        }
        else
        {
            _buffer.Write<byte>([254, (byte)bytes.Length, (byte)(bytes.Length >> 8), (byte)(bytes.Length >> 16)]);
            header = 4;
        }

        _buffer.Write(bytes);
        var padding = (4 - ((header + bytes.Length) % 4)) % 4;
        _buffer.GetSpan(padding)[..padding].Clear();
        _buffer.Advance(padding);
        return this;
    }

    public TlWriter WriteString(string value) => WriteBytes(System.Text.Encoding.UTF8.GetBytes(value));

    /// <summary>An unsigned big-endian integer as TL bytes (pq, p, q, g_a, dh_prime).</summary>
    public TlWriter WriteBigInteger(BigInteger value) => WriteBytes(value.ToByteArray(isUnsigned: true, isBigEndian: true));

    public TlWriter WriteVectorHeader(int count) => WriteUInt32(VectorId).WriteInt32(count);
}
