using System.Buffers.Binary;
using System.Security.Cryptography;
using Channel.MTProto.Crypto;

namespace Channel.MTProto.Transport;

/// <summary>
/// The 64-byte obfuscated init header (<c>/mtproto/mtproto-transports#transport-obfuscation</c>): random bytes with a
/// protocol tag at 56 and a DC id at 60; the client→server key/IV are bytes 8..40/40..56, the server→client key/IV
/// the same offsets of the reversed bytes 8..56. Each direction is one continuous AES-256-CTR stream, and the
/// client→server stream has already encrypted the 64 header bytes when the first frame starts.
/// </summary>
internal static class Obfuscation
{
    public const int HeaderLength = 64;

    private const int KeyOffset = 8;
    private const int IvOffset = KeyOffset + AesCtr.KeyLength;
    private const int SecretEnd = IvOffset + AesCtr.IvLength;
    private const int TagOffset = 56;
    private const int DcOffset = 60;

    public static uint ProtocolTag(TransportKind kind) => kind switch
    {
        TransportKind.Abridged => 0xefefefef,
        TransportKind.Intermediate => 0xeeeeeeee,
        TransportKind.PaddedIntermediate => 0xdddddddd,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "This transport has no obfuscation tag."),
    };

    /// <summary>
    /// Fills <paramref name="header"/> with a fresh client header and returns the client's ciphers. On return the
    /// header holds the bytes to send: bytes 0..56 in clear, 56..64 encrypted.
    /// </summary>
    public static (AesCtr Encryptor, AesCtr Decryptor) CreateClientHeader(Span<byte> header, TransportKind kind, short dcId)
    {
        var tag = ProtocolTag(kind);
        do
        {
            RandomNumberGenerator.Fill(header[..HeaderLength]);
        }
        while (!IsAcceptableClientStart(header));

        BinaryPrimitives.WriteUInt32LittleEndian(header[TagOffset..], tag);
        BinaryPrimitives.WriteInt16LittleEndian(header[DcOffset..], dcId);

        var encryptor = CreateForward(header);
        var decryptor = CreateReversed(header);
        Span<byte> encrypted = stackalloc byte[HeaderLength];
        encryptor.Transform(header[..HeaderLength], encrypted);
        encrypted[TagOffset..].CopyTo(header[TagOffset..]);
        CryptographicOperations.ZeroMemory(encrypted);
        return (encryptor, decryptor);
    }

    /// <summary>
    /// Server side: derives the ciphers from a received header and decrypts it in place to read the protocol tag
    /// and DC id. The returned decryptor has consumed the 64 header bytes, as the client's encryptor has.
    /// </summary>
    public static (AesCtr Encryptor, AesCtr Decryptor, TransportKind Kind, short DcId) AcceptClientHeader(Span<byte> header)
    {
        var decryptor = CreateForward(header);
        var encryptor = CreateReversed(header);
        decryptor.Transform(header[..HeaderLength], header[..HeaderLength]);
        TransportKind kind;
        switch (BinaryPrimitives.ReadUInt32LittleEndian(header[TagOffset..]))
        {
            case 0xefefefef: kind = TransportKind.Abridged; break;
            case 0xeeeeeeee: kind = TransportKind.Intermediate; break;
            case 0xdddddddd: kind = TransportKind.PaddedIntermediate; break;
            default:
                decryptor.Dispose();
                encryptor.Dispose();
                TransportThrowHelper.ThrowUnknownProtocol("obfuscated header with an unknown protocol tag");
                return default;
        }

        return (encryptor, decryptor, kind, BinaryPrimitives.ReadInt16LittleEndian(header[DcOffset..]));
    }

    /// <summary>The spec's rules that keep a random header from looking like another protocol's first bytes.</summary>
    internal static bool IsAcceptableClientStart(ReadOnlySpan<byte> header)
    {
        if (header[0] == 0xef)
        {
            return false;
        }

        switch (BinaryPrimitives.ReadUInt32LittleEndian(header))
        {
            case 0x44414548: // "HEAD"
            case 0x54534f50: // "POST"
            case 0x20544547: // "GET "
            case 0x4954504f: // "OPTI"
            case 0xdddddddd:
            case 0xeeeeeeee:
            case 0x02010316: // TLS handshake record
                return false;
        }

        return BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) != 0;
    }

    private static AesCtr CreateForward(ReadOnlySpan<byte> header) =>
        new(header[KeyOffset..IvOffset], header[IvOffset..SecretEnd]);

    private static AesCtr CreateReversed(ReadOnlySpan<byte> header)
    {
        Span<byte> reversed = stackalloc byte[SecretEnd - KeyOffset];
        header[KeyOffset..SecretEnd].CopyTo(reversed);
        reversed.Reverse();
        try
        {
            return new AesCtr(reversed[..AesCtr.KeyLength], reversed[AesCtr.KeyLength..]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(reversed);
        }
    }
}
