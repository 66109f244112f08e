using System.Buffers.Binary;
using System.Numerics;

namespace Channel.MTProto.Emulator.Interim;

/// <summary>
/// Reads TL primitives from a span. Every length is checked against the remaining input before anything is
/// sliced or allocated. Interim: replaced by the shared TL reader of wip/tl.
/// </summary>
internal ref struct TlReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;

    public int Position { get; private set; }

    public readonly int Remaining => _data.Length - Position;

    public readonly ReadOnlySpan<byte> Rest => _data[Position..];

    public ReadOnlySpan<byte> ReadRaw(int count)
    {
        if (count < 0 || count > Remaining)
        {
            throw new TlDecodeException($"Needed {count} bytes at offset {Position}, {Remaining} remain.");
        }

        var slice = _data.Slice(Position, count);
        Position += count;
        return slice;
    }

    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(ReadRaw(4));

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(ReadRaw(4));

    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(ReadRaw(8));

    public bool ReadBool() => ReadUInt32() switch
    {
        TlWriter.BoolTrue => true,
        TlWriter.BoolFalse => false,
        var other => throw new TlDecodeException($"Expected a Bool, found constructor 0x{other:x8}."),
    };

    /// <summary>A TL <c>bytes</c>/<c>string</c>: 1-byte or 0xfe+3-byte length, data, padding to 4.</summary>
    public ReadOnlySpan<byte> ReadBytes()
    {
        int length = ReadRaw(1)[0];
        var header = 1;
        if (length == 254)
        {
            var ext = ReadRaw(3);
            length = ext[0] | (ext[1] << 8) | (ext[2] << 16);
            header = 4;
        }
        else if (length == 255)
        {
            throw new TlDecodeException("TL bytes length prefix 0xff is invalid.");
        }

        var data = ReadRaw(length);
        var padding = (4 - ((header + length) % 4)) % 4;
        ReadRaw(padding);
        return data;
    }

    public string ReadString() => System.Text.Encoding.UTF8.GetString(ReadBytes());

    /// <summary>A TL bytes value read as an unsigned big-endian integer (pq, p, q, g_a, g_b).</summary>
    public BigInteger ReadBigInteger() => new(ReadBytes(), isUnsigned: true, isBigEndian: true);

    /// <summary>Reads a boxed <c>Vector&lt;long&gt;</c>, refusing a count the input cannot hold.</summary>
    public long[] ReadInt64Vector(int maxCount)
    {
        ExpectConstructor(TlWriter.VectorId);
        var count = ReadInt32();
        if (count < 0 || count > maxCount || count > Remaining / 8)
        {
            throw new TlDecodeException($"Vector<long> of {count} items does not fit the input.");
        }

        var items = new long[count];
        for (var i = 0; i < count; i++)
        {
            items[i] = ReadInt64();
        }

        return items;
    }

    public void ExpectConstructor(uint id)
    {
        var actual = ReadUInt32();
        if (actual != id)
        {
            throw new TlDecodeException($"Expected constructor 0x{id:x8}, found 0x{actual:x8}.");
        }
    }
}
