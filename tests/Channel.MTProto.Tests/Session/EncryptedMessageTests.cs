using Channel.MTProto.Crypto;
using Channel.MTProto.Session;

namespace Channel.MTProto.Tests.Session;

public sealed class EncryptedMessageTests
{
    private static readonly AuthKey Key = AuthKey.FromBytes(Convert.FromHexString(SpecSample.AuthKeyHex));
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(28)]
    [InlineData(1000)]
    [InlineData(65536)]
    public void EncryptThenDecrypt_ClientToServer_RoundTrips(int bodyLength)
    {
        var body = Body(bodyLength, seed: bodyLength);
        var header = new EncryptedMessageHeader(0x1122334455667788, 0x0102030405060708, MessageIdGenerator.FromTime(Now, MessageIdKind.Client), 7, body.Length);

        var packet = EncryptedMessage.Encrypt(Key, MessageDirection.ClientToServer, header, body, new SeededRandom(1));
        var plaintext = new byte[packet.Length];
        var read = EncryptedMessage.Decrypt(Key, MessageDirection.ClientToServer, packet, plaintext, expectedSessionId: header.SessionId);

        Assert.Equal(header, read);
        Assert.Equal(body, plaintext.AsSpan(EncryptedMessageHeader.BodyOffset, read.BodyLength).ToArray());
        Assert.Equal(0, (packet.Length - EncryptedMessage.EnvelopeLength) % 16);
        Assert.Equal(Key.Id, BitConverter.ToInt64(packet));
    }

    [Fact]
    public void EncryptThenDecrypt_ServerToClient_RoundTrips()
    {
        var body = Body(64, seed: 3);
        var header = new EncryptedMessageHeader(1, 2, MessageIdGenerator.FromTime(Now, MessageIdKind.ServerResponse), 1, body.Length);

        var packet = EncryptedMessage.Encrypt(Key, MessageDirection.ServerToClient, header, body, new SeededRandom(2));
        var read = EncryptedMessage.Decrypt(Key, MessageDirection.ServerToClient, packet, new byte[packet.Length]);

        Assert.Equal(header, read);
        Assert.True(read.IsContentRelated);
    }

    [Fact]
    public void Decrypt_WrongDirection_MessageKeyMismatch()
    {
        var packet = ServerPacket(Body(16, seed: 4));

        var error = Assert.Throws<MessageDecodeException>(() => EncryptedMessage.Decrypt(Key, MessageDirection.ClientToServer, packet, new byte[packet.Length]));

        Assert.Equal(MessageDecodeError.MessageKeyMismatch, error.Error);
    }

    [Fact]
    public void Decrypt_AnyFlippedBit_RejectedWithTypedError()
    {
        var packet = ServerPacket(Body(40, seed: 5));

        for (var bit = 0; bit < packet.Length * 8; bit += 7)
        {
            var tampered = (byte[])packet.Clone();
            tampered[bit / 8] ^= (byte)(1 << (bit % 8));
            var error = Assert.Throws<MessageDecodeException>(() => EncryptedMessage.Decrypt(Key, MessageDirection.ServerToClient, tampered, new byte[tampered.Length]));
            Assert.Equal(bit < 64 ? MessageDecodeError.AuthKeyMismatch : MessageDecodeError.MessageKeyMismatch, error.Error);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(23)]
    [InlineData(24 + 16)]
    [InlineData(24 + 47)]
    public void Decrypt_BadPacketLength_BadLength(int length)
    {
        var error = Assert.Throws<MessageDecodeException>(() => EncryptedMessage.Decrypt(Key, MessageDirection.ServerToClient, new byte[length], new byte[Math.Max(length, 1)]));

        Assert.Equal(MessageDecodeError.BadLength, error.Error);
    }

    [Fact]
    public void Decrypt_OtherSession_SessionMismatch()
    {
        var packet = ServerPacket(Body(8, seed: 6));

        var error = Assert.Throws<MessageDecodeException>(() => EncryptedMessage.Decrypt(Key, MessageDirection.ServerToClient, packet, new byte[packet.Length], expectedSessionId: 99));

        Assert.Equal(MessageDecodeError.SessionMismatch, error.Error);
    }

    [Fact]
    public void Decrypt_EvenServerMessageId_BadParity()
    {
        var header = new EncryptedMessageHeader(1, 2, MessageIdGenerator.FromTime(Now, MessageIdKind.Client), 1, 8);
        var packet = EncryptedMessage.Encrypt(Key, MessageDirection.ServerToClient, header, new byte[8], new SeededRandom(7));

        var error = Assert.Throws<MessageDecodeException>(() => EncryptedMessage.Decrypt(Key, MessageDirection.ServerToClient, packet, new byte[packet.Length]));

        Assert.Equal(MessageDecodeError.BadMessageIdParity, error.Error);
    }

    [Theory]
    [InlineData(-4, 96, nameof(MessageDecodeError.BadInnerLength))]
    [InlineData(3, 96, nameof(MessageDecodeError.BadInnerLength))]
    [InlineData(100_000, 96, nameof(MessageDecodeError.BadInnerLength))]
    [InlineData(60, 96, nameof(MessageDecodeError.BadPadding))]
    [InlineData(0, 32 + 1040, nameof(MessageDecodeError.BadPadding))]
    public void Decrypt_ForgedInnerLength_TypedError(int declaredLength, int plaintextLength, string expected)
    {
        // A sender holding the key can still lie about the inner length: msg_key is valid, the layout is not.
        var plaintext = new byte[plaintextLength];
        BitConverter.TryWriteBytes(plaintext.AsSpan(16), MessageIdGenerator.FromTime(Now, MessageIdKind.ServerResponse));
        BitConverter.TryWriteBytes(plaintext.AsSpan(28), declaredLength);
        var packet = new byte[EncryptedMessage.EnvelopeLength + plaintext.Length];
        BitConverter.TryWriteBytes(packet, Key.Id);
        MessageCipher.Encrypt(Key.Key, MessageKey.ServerToClient, plaintext, packet.AsSpan(8, 16), packet.AsSpan(24));

        var error = Assert.Throws<MessageDecodeException>(() => EncryptedMessage.Decrypt(Key, MessageDirection.ServerToClient, packet, new byte[packet.Length]));

        Assert.Equal(Enum.Parse<MessageDecodeError>(expected), error.Error);
    }

    private static byte[] ServerPacket(byte[] body)
    {
        var header = new EncryptedMessageHeader(1, 2, MessageIdGenerator.FromTime(Now, MessageIdKind.ServerResponse), 2, body.Length);
        return EncryptedMessage.Encrypt(Key, MessageDirection.ServerToClient, header, body, new SeededRandom(8));
    }

    private static byte[] Body(int length, int seed)
    {
        var body = new byte[length];
        new Random(seed).NextBytes(body);
        return body;
    }
}

/// <summary>Reproducible "randomness" for tests.</summary>
internal sealed class SeededRandom(int seed) : IRandomSource
{
    private readonly Random _random = new(seed);

    public void Fill(Span<byte> destination) => _random.NextBytes(destination);
}
