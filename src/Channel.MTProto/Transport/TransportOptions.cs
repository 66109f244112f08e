namespace Channel.MTProto.Transport;

/// <summary>How a client connection frames packets.</summary>
internal sealed record TransportOptions
{
    /// <summary>16 MiB: far above any MTProto packet (servers drop RPCs above about 1 MiB).</summary>
    public const int DefaultMaxFrameLength = 16 * 1024 * 1024;

    /// <summary>The abridged length field holds length/4 in 24 bits; no transport may exceed it.</summary>
    public const int MaxSupportedFrameLength = 0xFF_FFFF * 4;

    /// <summary>Intermediate by default: 4-byte aligned, no CRC work, accepted by every server.</summary>
    public TransportKind Kind { get; init; } = TransportKind.Intermediate;

    /// <summary>Wrap the framing in the 64-byte obfuscated init header and AES-256-CTR (not with <see cref="TransportKind.Full"/>).</summary>
    public bool Obfuscated { get; init; }

    /// <summary>DC id written at offset 60 of the obfuscated header (negative for media DCs, +10000 for test DCs).</summary>
    public short DcId { get; init; }

    /// <summary>Largest payload accepted or sent; a longer length prefix is a protocol error before any allocation.</summary>
    public int MaxFrameLength { get; init; } = DefaultMaxFrameLength;

    internal void Validate()
    {
        if (!Enum.IsDefined(Kind))
        {
            throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "Unknown transport kind.");
        }

        if (Obfuscated && Kind == TransportKind.Full)
        {
            throw new ArgumentException("The full transport cannot be obfuscated (the spec defines no protocol tag for it).", nameof(Obfuscated));
        }

        ValidateMaxFrameLength(MaxFrameLength);
    }

    internal static void ValidateMaxFrameLength(int maxFrameLength)
    {
        if (maxFrameLength is < 4 or > MaxSupportedFrameLength)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxFrameLength), maxFrameLength, $"Must be between 4 and {MaxSupportedFrameLength} bytes.");
        }
    }
}

/// <summary>How the server side (the emulator) accepts connections; the transport itself is auto-detected.</summary>
internal sealed record ServerTransportOptions
{
    /// <summary>Largest payload accepted or sent; a longer length prefix is a protocol error before any allocation.</summary>
    public int MaxFrameLength { get; init; } = TransportOptions.DefaultMaxFrameLength;

    internal void Validate() => TransportOptions.ValidateMaxFrameLength(MaxFrameLength);
}
