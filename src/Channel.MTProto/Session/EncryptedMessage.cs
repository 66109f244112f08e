using System.Buffers.Binary;
using Channel.MTProto.Crypto;

namespace Channel.MTProto.Session;

/// <summary>Who sent an encrypted message; selects x in the msg_key and AES key derivation.</summary>
internal enum MessageDirection
{
    /// <summary>x = 0.</summary>
    ClientToServer = MessageKey.ClientToServer,

    /// <summary>x = 8.</summary>
    ServerToClient = MessageKey.ServerToClient,
}

/// <summary>The plaintext header of an encrypted message, and where its body lies in the decrypted buffer.</summary>
internal readonly record struct EncryptedMessageHeader(long Salt, long SessionId, long MessageId, int SeqNo, int BodyLength)
{
    /// <summary>The body starts right after salt, session_id, msg_id, seq_no and length.</summary>
    public const int BodyOffset = EncryptedMessage.InnerHeaderLength;

    /// <summary>Content-related messages have odd seq_no.</summary>
    public bool IsContentRelated => (SeqNo & 1) == 1;
}

/// <summary>
/// The MTProto 2.0 encrypted envelope (/mtproto/description):
/// auth_key_id (8) ‖ msg_key (16) ‖ AES-256-IGE(salt (8) ‖ session_id (8) ‖ msg_id (8) ‖ seq_no (4) ‖ length (4) ‖
/// body ‖ 12..1024 random padding bytes, total a multiple of 16), both directions.
/// </summary>
/// <remarks>
/// Decryption checks everything the spec asks of a receiver before the body is trusted: auth_key_id, the
/// ciphertext length, msg_key recomputed over the whole plaintext (constant-time), the inner length (not negative,
/// a multiple of 4, inside the payload), the padding size, the msg_id parity of server messages and, when the
/// caller passes one, the session id. Every failure is a <see cref="MessageDecodeException"/>.
/// </remarks>
internal static class EncryptedMessage
{
    /// <summary>auth_key_id + msg_key in front of the ciphertext.</summary>
    public const int EnvelopeLength = 8 + MessageKey.Size;

    public const int InnerHeaderLength = 32;
    public const int MinPadding = 12;
    public const int MaxPadding = 1024;

    /// <summary>The full packet size for a body of <paramref name="bodyLength"/> bytes (with the minimum padding).</summary>
    public static int GetLength(int bodyLength) => EnvelopeLength + GetPlaintextLength(bodyLength);

    /// <summary>Encrypts one message into <paramref name="destination"/>; returns the bytes written.</summary>
    public static int Encrypt(
        AuthKey authKey,
        MessageDirection direction,
        in EncryptedMessageHeader header,
        ReadOnlySpan<byte> body,
        IRandomSource random,
        Span<byte> destination)
    {
        if (header.BodyLength != body.Length || body.Length % 4 != 0)
        {
            throw new ArgumentException("The body length must match the header and be a multiple of 4.", nameof(body));
        }

        var plaintextLength = GetPlaintextLength(body.Length);
        var length = EnvelopeLength + plaintextLength;
        if (destination.Length < length)
        {
            throw new ArgumentException("The destination is too small for the message.", nameof(destination));
        }

        var plaintext = destination.Slice(EnvelopeLength, plaintextLength);
        BinaryPrimitives.WriteInt64LittleEndian(plaintext, header.Salt);
        BinaryPrimitives.WriteInt64LittleEndian(plaintext[8..], header.SessionId);
        BinaryPrimitives.WriteInt64LittleEndian(plaintext[16..], header.MessageId);
        BinaryPrimitives.WriteInt32LittleEndian(plaintext[24..], header.SeqNo);
        BinaryPrimitives.WriteInt32LittleEndian(plaintext[28..], body.Length);
        body.CopyTo(plaintext[InnerHeaderLength..]);
        random.Fill(plaintext[(InnerHeaderLength + body.Length)..]);

        BinaryPrimitives.WriteInt64LittleEndian(destination, authKey.Id);
        MessageCipher.Encrypt(authKey.Key, (int)direction, plaintext, destination.Slice(8, MessageKey.Size), plaintext);
        return length;
    }

    public static byte[] Encrypt(AuthKey authKey, MessageDirection direction, in EncryptedMessageHeader header, ReadOnlySpan<byte> body, IRandomSource random)
    {
        var packet = new byte[GetLength(body.Length)];
        Encrypt(authKey, direction, header, body, random, packet);
        return packet;
    }

    /// <summary>
    /// Decrypts <paramref name="packet"/> into <paramref name="plaintext"/> (at least
    /// <c>packet.Length − EnvelopeLength</c> bytes; trailing transport padding is not part of the ciphertext only if
    /// the transport strips it, so pass the exact frame). The body is
    /// <c>plaintext.Slice(EncryptedMessageHeader.BodyOffset, header.BodyLength)</c>.
    /// </summary>
    /// <param name="expectedSessionId">When not null, the message must belong to this session.</param>
    /// <exception cref="MessageDecodeException">Any check failed.</exception>
    public static EncryptedMessageHeader Decrypt(
        AuthKey authKey,
        MessageDirection direction,
        ReadOnlySpan<byte> packet,
        Span<byte> plaintext,
        long? expectedSessionId = null)
    {
        var cipherLength = packet.Length - EnvelopeLength;
        if (cipherLength < InnerHeaderLength + MinPadding || cipherLength % 16 != 0)
        {
            SessionThrowHelper.ThrowDecode(MessageDecodeError.BadLength);
        }

        var authKeyId = BinaryPrimitives.ReadInt64LittleEndian(packet);
        if (authKeyId != authKey.Id)
        {
            SessionThrowHelper.ThrowDecode(authKeyId == 0 ? MessageDecodeError.UnexpectedAuthKeyId : MessageDecodeError.AuthKeyMismatch);
        }

        if (plaintext.Length < cipherLength)
        {
            throw new ArgumentException("The plaintext buffer is smaller than the ciphertext.", nameof(plaintext));
        }

        plaintext = plaintext[..cipherLength];
        if (!MessageCipher.TryDecrypt(authKey.Key, (int)direction, packet.Slice(8, MessageKey.Size), packet[EnvelopeLength..], plaintext))
        {
            SessionThrowHelper.ThrowDecode(MessageDecodeError.MessageKeyMismatch);
        }

        var header = new EncryptedMessageHeader(
            Salt: BinaryPrimitives.ReadInt64LittleEndian(plaintext),
            SessionId: BinaryPrimitives.ReadInt64LittleEndian(plaintext[8..]),
            MessageId: BinaryPrimitives.ReadInt64LittleEndian(plaintext[16..]),
            SeqNo: BinaryPrimitives.ReadInt32LittleEndian(plaintext[24..]),
            BodyLength: BinaryPrimitives.ReadInt32LittleEndian(plaintext[28..]));

        var room = cipherLength - InnerHeaderLength;
        if (header.BodyLength < 0 || header.BodyLength % 4 != 0 || header.BodyLength > room)
        {
            SessionThrowHelper.ThrowDecode(MessageDecodeError.BadInnerLength);
        }

        var padding = room - header.BodyLength;
        if (padding is < MinPadding or > MaxPadding)
        {
            SessionThrowHelper.ThrowDecode(MessageDecodeError.BadPadding);
        }

        // Server messages must have odd ids. A client id that is not divisible by 4 is not a decode failure: the
        // server answers it with bad_msg_notification 18, so that check is left to the server session.
        if (direction == MessageDirection.ServerToClient && (header.MessageId & 1) == 0)
        {
            SessionThrowHelper.ThrowDecode(MessageDecodeError.BadMessageIdParity);
        }

        if (expectedSessionId is { } sessionId && header.SessionId != sessionId)
        {
            SessionThrowHelper.ThrowDecode(MessageDecodeError.SessionMismatch);
        }

        return header;
    }

    private static int GetPlaintextLength(int bodyLength)
    {
        var unpadded = InnerHeaderLength + bodyLength + MinPadding;
        return (unpadded + 15) & ~15;
    }
}
