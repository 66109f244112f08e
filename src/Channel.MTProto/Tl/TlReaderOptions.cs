namespace Channel.MTProto.Tl;

/// <summary>Limits applied while reading untrusted TL.</summary>
public sealed record TlReaderOptions
{
    public static TlReaderOptions Default { get; } = new();

    /// <summary>Deepest nesting of boxed objects (and gzip_packed layers) accepted; guards the stack.</summary>
    public int MaxDepth { get; init; } = 64;

    /// <summary>Largest unpacked size of one gzip_packed payload.</summary>
    public int MaxGzipUnpackedSize { get; init; } = 16 * 1024 * 1024;
}
