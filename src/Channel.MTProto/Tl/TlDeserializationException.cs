namespace Channel.MTProto.Tl;

/// <summary>
/// The one exception TL parsing raises for bad input: unknown or unexpected constructor ids, truncated data,
/// length or count prefixes beyond the remaining input, nesting too deep, corrupt or oversized gzip_packed.
/// Carries where it happened; never the payload (it may hold secrets).
/// </summary>
public sealed class TlDeserializationException : Exception
{
    public TlDeserializationException()
    {
    }

    public TlDeserializationException(string message)
        : base(message)
    {
    }

    public TlDeserializationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public TlDeserializationException(string message, int offset, uint? constructorId = null, Exception? innerException = null)
        : base(Describe(message, offset, constructorId), innerException)
    {
        Offset = offset;
        ConstructorId = constructorId;
    }

    /// <summary>Byte offset in the buffer being read (inside the unpacked data for gzip_packed content).</summary>
    public int Offset { get; }

    /// <summary>The offending constructor id, when the problem is an id.</summary>
    public uint? ConstructorId { get; }

    private static string Describe(string message, int offset, uint? constructorId) =>
        constructorId is { } id ? $"{message} (constructor 0x{id:x8} at offset {offset})" : $"{message} (at offset {offset})";
}
