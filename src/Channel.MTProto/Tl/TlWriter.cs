using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Channel.MTProto.Tl;

/// <summary>
/// Writes TL into an <see cref="IBufferWriter{T}"/>. It fills the span it got from the output and advances the
/// output only when it needs a new span or on <see cref="Flush"/>; call <see cref="Flush"/> when done
/// (<see cref="TlSerializer"/> does).
/// </summary>
public ref struct TlWriter
{
    /// <summary>Largest TL <c>bytes</c> length the 3-byte length prefix can carry.</summary>
    public const int MaxBytesLength = 0xFFFFFF;

    private const int MinChunk = 256;
    private readonly IBufferWriter<byte> _output;
    private Span<byte> _span;
    private int _buffered;
    private long _flushed;

    public TlWriter(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
    }

    /// <summary>Bytes written so far, flushed or not.</summary>
    public readonly long BytesWritten => _flushed + _buffered;

    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32LittleEndian(Reserve(sizeof(int)), value);

    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Reserve(sizeof(uint)), value);

    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Reserve(sizeof(long)), value);

    public void WriteDouble(double value) => BinaryPrimitives.WriteDoubleLittleEndian(Reserve(sizeof(double)), value);

    public void WriteInt128(TlInt128 value) => value.CopyTo(Reserve(TlInt128.Size));

    public void WriteInt256(TlInt256 value) => value.CopyTo(Reserve(TlInt256.Size));

    public void WriteBool(bool value) => WriteUInt32(value ? TlServiceMessages.BoolTrueId : TlServiceMessages.BoolFalseId);

    /// <summary>Raw bytes with no TL framing.</summary>
    public void WriteRaw(ReadOnlySpan<byte> data) => data.CopyTo(Reserve(data.Length));

    /// <summary>TL <c>bytes</c>: length prefix, data, zero padding to a multiple of 4.</summary>
    public void WriteBytes(ReadOnlySpan<byte> data)
    {
        var header = WriteLengthPrefix(data.Length);
        data.CopyTo(Reserve(data.Length));
        WritePadding(header + data.Length);
    }

    /// <summary>TL <c>string</c>: UTF-8 <c>bytes</c>, encoded straight into the output.</summary>
    public void WriteString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var length = Encoding.UTF8.GetByteCount(value);
        var header = WriteLengthPrefix(length);
        Encoding.UTF8.GetBytes(value, Reserve(length));
        WritePadding(header + length);
    }

    public void WriteObject(ITlObject value)
    {
        ArgumentNullException.ThrowIfNull(value);
        value.Write(ref this);
    }

    /// <summary>A boxed <c>Vector&lt;T&gt;</c>: vector id, count, items.</summary>
    public void WriteVector<T>(IReadOnlyList<T> items, TlWriteAction<T> writeItem)
    {
        WriteUInt32(TlServiceMessages.VectorId);
        WriteBareVector(items, writeItem);
    }

    /// <summary>A bare <c>vector&lt;T&gt;</c>: count, items.</summary>
    public void WriteBareVector<T>(IReadOnlyList<T> items, TlWriteAction<T> writeItem)
    {
        ArgumentNullException.ThrowIfNull(items);
        WriteInt32(items.Count);
        if (items is T[] array)
        {
            foreach (var item in array)
            {
                writeItem(ref this, item);
            }

            return;
        }

        for (var i = 0; i < items.Count; i++)
        {
            writeItem(ref this, items[i]);
        }
    }

    /// <summary>Hands everything written so far to the output.</summary>
    public void Flush()
    {
        if (_buffered > 0)
        {
            _output.Advance(_buffered);
            _flushed += _buffered;
            _buffered = 0;
        }

        _span = default;
    }

    /// <summary>For generated writers: two optional fields share a flag bit and one of them is missing.</summary>
    public static InvalidOperationException MissingFlaggedField(string property) =>
        new($"{property} must be set: another field that shares its flag bit is set");

    private int WriteLengthPrefix(int length)
    {
        if (length < 254)
        {
            Reserve(1)[0] = (byte)length;
            return 1;
        }

        if (length > MaxBytesLength)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "TL bytes are limited to 16 MiB");
        }

        var prefix = Reserve(4);
        prefix[0] = 254;
        prefix[1] = (byte)length;
        prefix[2] = (byte)(length >> 8);
        prefix[3] = (byte)(length >> 16);
        return 4;
    }

    private void WritePadding(int written)
    {
        var padding = (4 - (written & 3)) & 3;
        Reserve(padding).Clear();
    }

    private Span<byte> Reserve(int count)
    {
        if (_span.Length - _buffered < count)
        {
            Flush();
            _span = _output.GetSpan(Math.Max(count, MinChunk));
        }

        var slice = _span.Slice(_buffered, count);
        _buffered += count;
        return slice;
    }
}
