namespace Channel.MTProto.Transport;

/// <summary>The MTProto TCP framing (<c>/mtproto/mtproto-transports</c>).</summary>
internal enum TransportKind
{
    /// <summary>Init byte <c>0xef</c>; length/4 in 1 byte, or <c>0x7f</c> + 3 bytes LE.</summary>
    Abridged,

    /// <summary>Init <c>0xeeeeeeee</c>; 4-byte LE length.</summary>
    Intermediate,

    /// <summary>Init <c>0xdddddddd</c>; 4-byte LE length covering the payload plus 0–15 random bytes.</summary>
    PaddedIntermediate,

    /// <summary>No init; length (counts itself) + seqno + payload + CRC32. Cannot be obfuscated.</summary>
    Full,
}
