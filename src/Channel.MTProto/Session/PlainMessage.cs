using System.Buffers.Binary;

namespace Channel.MTProto.Session;

/// <summary>
/// The unencrypted MTProto envelope used only during the auth-key exchange:
/// auth_key_id = 0 (8 bytes) ‖ msg_id (8) ‖ message_data_length (4) ‖ message_data.
/// </summary>
internal static class PlainMessage
{
    public const int HeaderLength = 20;

    /// <summary>The size of the envelope for a body of <paramref name="bodyLength"/> bytes.</summary>
    public static int GetLength(int bodyLength) => HeaderLength + bodyLength;

    /// <summary>Writes the envelope into <paramref name="destination"/> and returns the bytes written.</summary>
    public static int Write(Span<byte> destination, long messageId, ReadOnlySpan<byte> body)
    {
        var length = GetLength(body.Length);
        if (destination.Length < length)
        {
            throw new ArgumentException("The destination is too small for the message.", nameof(destination));
        }

        BinaryPrimitives.WriteInt64LittleEndian(destination, 0);
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], messageId);
        BinaryPrimitives.WriteInt32LittleEndian(destination[16..], body.Length);
        body.CopyTo(destination[HeaderLength..]);
        return length;
    }

    public static byte[] Encode(long messageId, ReadOnlySpan<byte> body)
    {
        var packet = new byte[GetLength(body.Length)];
        Write(packet, messageId, body);
        return packet;
    }

    /// <summary>
    /// Reads an unencrypted packet: auth_key_id must be 0 and the declared length must fit in the packet (trailing
    /// bytes, e.g. padded-intermediate transport padding, are ignored).
    /// </summary>
    /// <exception cref="MessageDecodeException">The packet is not a well-formed unencrypted message.</exception>
    public static long Read(ReadOnlySpan<byte> packet, out ReadOnlySpan<byte> body)
    {
        if (packet.Length < HeaderLength)
        {
            SessionThrowHelper.ThrowDecode(MessageDecodeError.BadLength);
        }

        if (BinaryPrimitives.ReadInt64LittleEndian(packet) != 0)
        {
            SessionThrowHelper.ThrowDecode(MessageDecodeError.UnexpectedAuthKeyId);
        }

        var messageId = BinaryPrimitives.ReadInt64LittleEndian(packet[8..]);
        var length = BinaryPrimitives.ReadInt32LittleEndian(packet[16..]);
        if (length < 0 || length > packet.Length - HeaderLength)
        {
            SessionThrowHelper.ThrowDecode(MessageDecodeError.BadInnerLength);
        }

        body = packet.Slice(HeaderLength, length);
        return messageId;
    }

    /// <summary>The auth_key_id a packet starts with (0 for unencrypted), or null if it is too short to have one.</summary>
    public static long? PeekAuthKeyId(ReadOnlySpan<byte> packet) =>
        packet.Length >= 8 ? BinaryPrimitives.ReadInt64LittleEndian(packet) : null;
}
