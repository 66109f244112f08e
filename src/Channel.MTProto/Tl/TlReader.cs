using System.Buffers.Binary;
using System.Text;

namespace Channel.MTProto.Tl;

/// <summary>
/// Reads TL from a span: primitives little-endian without allocating, <c>bytes</c>/<c>string</c> with TL padding,
/// boxed objects through the generated constructor-id tables, gzip_packed unpacked wherever an object is expected.
/// </summary>
/// <remarks>
/// Every length and count is checked against the remaining input before anything is allocated; nesting is capped
/// by <see cref="TlReaderOptions.MaxDepth"/>. All failures are <see cref="TlDeserializationException"/>.
/// </remarks>
public ref struct TlReader
{
    private readonly ReadOnlySpan<byte> _buffer;
    private readonly TlReaderOptions _options;
    private int _position;
    private int _depth;

    public TlReader(ReadOnlySpan<byte> buffer, TlReaderOptions? options = null)
        : this(buffer, options ?? TlReaderOptions.Default, depth: 0)
    {
    }

    private TlReader(ReadOnlySpan<byte> buffer, TlReaderOptions options, int depth)
    {
        _buffer = buffer;
        _options = options;
        _depth = depth;
    }

    public readonly int Position => _position;

    public readonly int Remaining => _buffer.Length - _position;

    public readonly bool IsAtEnd => _position == _buffer.Length;

    public readonly TlReaderOptions Options => _options;

    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(sizeof(int)));

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(sizeof(uint)));

    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(sizeof(long)));

    public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(Take(sizeof(double)));

    public TlInt128 ReadInt128() => new(Take(TlInt128.Size));

    public TlInt256 ReadInt256() => new(Take(TlInt256.Size));

    /// <summary>Peeks the next constructor id without consuming it.</summary>
    public readonly uint PeekUInt32()
    {
        if (Remaining < sizeof(uint))
        {
            throw Truncated(sizeof(uint));
        }

        return BinaryPrimitives.ReadUInt32LittleEndian(_buffer[_position..]);
    }

    /// <summary>Raw bytes with no TL framing (message bodies inside containers, int128 spans, …).</summary>
    public ReadOnlySpan<byte> ReadRaw(int count)
    {
        if (count < 0)
        {
            throw new TlDeserializationException("negative length", _position);
        }

        return Take(count);
    }

    public bool ReadBool()
    {
        var id = ReadUInt32();
        return id switch
        {
            TlServiceMessages.BoolTrueId => true,
            TlServiceMessages.BoolFalseId => false,
            TlServiceMessages.GzipPackedId => ReadGzipped(static (ref TlReader inner) => inner.ReadBool()),
            _ => throw UnexpectedConstructor(id, "Bool"),
        };
    }

    /// <summary>TL <c>bytes</c> as a slice of the input (no copy); valid while the input is.</summary>
    public ReadOnlySpan<byte> ReadBytesSpan()
    {
        var start = _position;
        var first = Take(1)[0];
        int length;
        if (first < 254)
        {
            length = first;
        }
        else if (first == 254)
        {
            var prefix = Take(3);
            length = prefix[0] | (prefix[1] << 8) | (prefix[2] << 16);
        }
        else
        {
            throw new TlDeserializationException("invalid bytes length prefix 0xff", start);
        }

        if (length > Remaining)
        {
            throw new TlDeserializationException($"bytes length {length} beyond the remaining {Remaining} bytes", start);
        }

        var data = Take(length);
        var padding = (4 - ((_position - start) & 3)) & 3;
        Take(padding);
        return data;
    }

    public byte[] ReadBytes() => ReadBytesSpan().ToArray();

    /// <summary>TL <c>string</c>: UTF-8 <c>bytes</c>; invalid sequences become U+FFFD rather than failing.</summary>
    public string ReadString() => Encoding.UTF8.GetString(ReadBytesSpan());

    /// <summary>A boxed <c>Vector&lt;T&gt;</c>: vector id (or gzip_packed), count, items.</summary>
    /// <param name="readItem">Reads one item.</param>
    /// <param name="minItemSize">Fewest bytes one item can take; bounds the count before allocating.</param>
    public T[] ReadVector<T>(TlReadFunc<T> readItem, int minItemSize)
    {
        var id = ReadUInt32();
        if (id == TlServiceMessages.GzipPackedId)
        {
            return ReadGzipped((ref TlReader inner) => inner.ReadVector(readItem, minItemSize));
        }

        if (id != TlServiceMessages.VectorId)
        {
            throw UnexpectedConstructor(id, "Vector");
        }

        return ReadBareVector(readItem, minItemSize);
    }

    /// <summary>A bare <c>vector&lt;T&gt;</c>: count, items.</summary>
    public T[] ReadBareVector<T>(TlReadFunc<T> readItem, int minItemSize)
    {
        var count = ReadCount(minItemSize);
        if (count == 0)
        {
            return [];
        }

        var items = new T[count];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = readItem(ref this);
        }

        return items;
    }

    /// <summary>Reads an element count and checks that that many items of at least <paramref name="minItemSize"/> bytes fit.</summary>
    public int ReadCount(int minItemSize)
    {
        var start = _position;
        var count = ReadInt32();
        if (count < 0 || (long)count * Math.Max(minItemSize, 1) > Remaining)
        {
            throw new TlDeserializationException($"element count {count} beyond the remaining {Remaining} bytes", start);
        }

        return count;
    }

    /// <summary>Any boxed object of the API or MTProto schema; gzip_packed is unpacked.</summary>
    public ITlObject ReadObject()
    {
        var start = _position;
        var id = EnterObject();
        var value = id == TlServiceMessages.GzipPackedId
            ? ReadGzipped(static (ref TlReader inner) => inner.ReadObject())
            : Api.ApiSchema.ReadBare(id, ref this) ?? Mt.MtSchema.ReadBare(id, ref this)
                ?? throw new TlDeserializationException("unknown constructor", start, id);
        LeaveObject();
        return value;
    }

    /// <summary>A boxed object that must be a <typeparamref name="T"/>.</summary>
    public T ReadObject<T>()
        where T : class, ITlObject
    {
        var start = _position;
        var value = ReadObject();
        return value as T ?? throw new TlDeserializationException($"expected {typeof(T).Name}", start, value.ConstructorId);
    }

    /// <summary>A boxed TL method (the query inside <c>invokeWithLayer</c> and friends).</summary>
    public ITlMethod ReadMethod() => ReadObject<ITlMethod>();

    /// <summary>Reads the next constructor id and counts one level of object nesting.</summary>
    public uint EnterObject()
    {
        if (++_depth > _options.MaxDepth)
        {
            throw new TlDeserializationException($"objects nested deeper than {_options.MaxDepth}", _position);
        }

        return ReadUInt32();
    }

    public void LeaveObject() => _depth--;

    /// <summary>
    /// Reads the body of gzip_packed (its id already consumed): unpacks it under
    /// <see cref="TlReaderOptions.MaxGzipUnpackedSize"/> and reads one value from the unpacked bytes.
    /// </summary>
    public T ReadGzipped<T>(TlReadFunc<T> read)
    {
        var start = _position;
        if (_depth + 1 > _options.MaxDepth)
        {
            throw new TlDeserializationException($"objects nested deeper than {_options.MaxDepth}", start);
        }

        var packed = ReadBytesSpan();
        var unpacked = TlGzip.Unpack(packed, _options.MaxGzipUnpackedSize, start);
        try
        {
            var inner = new TlReader(unpacked.Span, _options, _depth + 1);
            return read(ref inner);
        }
        finally
        {
            unpacked.Dispose();
        }
    }

    /// <summary>Fails unless the whole input was consumed.</summary>
    public readonly void EnsureAtEnd()
    {
        if (!IsAtEnd)
        {
            throw new TlDeserializationException($"{Remaining} unexpected trailing bytes", _position);
        }
    }

    /// <summary>For generated readers: the id just read is not a constructor of <paramref name="expectedType"/>.</summary>
    public readonly TlDeserializationException UnexpectedConstructor(uint constructorId, string expectedType) =>
        new($"constructor is not a {expectedType}", Math.Max(_position - sizeof(uint), 0), constructorId);

    private ReadOnlySpan<byte> Take(int count)
    {
        if ((uint)count > (uint)Remaining)
        {
            throw Truncated(count);
        }

        var slice = _buffer.Slice(_position, count);
        _position += count;
        return slice;
    }

    private readonly TlDeserializationException Truncated(int needed) =>
        new($"input truncated: needed {needed} bytes, {Remaining} left", _position);
}
