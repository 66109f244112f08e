using System.Buffers.Binary;

namespace Channel.MTProto.Tl;

/// <summary>
/// TL <c>int128</c>: 16 opaque bytes (nonces). Stored as two little-endian halves so it is a plain value type
/// with equality; the crypto code moves it through spans with <see cref="TlInt128(ReadOnlySpan{byte})"/> and
/// <see cref="CopyTo"/>.
/// </summary>
public readonly record struct TlInt128(ulong Low, ulong High)
{
    public const int Size = 16;

    public TlInt128(ReadOnlySpan<byte> bytes)
        : this(BinaryPrimitives.ReadUInt64LittleEndian(bytes), BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..Size]))
    {
    }

    /// <summary>Writes the 16 wire bytes.</summary>
    public void CopyTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, Low);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..Size], High);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Size];
        CopyTo(bytes);
        return bytes;
    }

    public override string ToString() => Convert.ToHexString(ToArray());
}

/// <summary>TL <c>int256</c>: 32 opaque bytes (new_nonce). See <see cref="TlInt128"/>.</summary>
public readonly record struct TlInt256(TlInt128 Low, TlInt128 High)
{
    public const int Size = 32;

    public TlInt256(ReadOnlySpan<byte> bytes)
        : this(new TlInt128(bytes), new TlInt128(bytes[TlInt128.Size..Size]))
    {
    }

    public void CopyTo(Span<byte> destination)
    {
        Low.CopyTo(destination);
        High.CopyTo(destination[TlInt128.Size..Size]);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Size];
        CopyTo(bytes);
        return bytes;
    }

    public override string ToString() => Convert.ToHexString(ToArray());
}
