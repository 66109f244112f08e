using System.Buffers.Binary;
using System.Numerics;
using Channel.MTProto.Crypto;
using Channel.MTProto.Session.Handshake;
using Microsoft.Extensions.Time.Testing;

namespace Channel.MTProto.Tests.Session;

public sealed class ClientHandshakeTests
{
    private static readonly DateTimeOffset LocalNow = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// The spec's sample driven through the real client code: the scripted server answers with the sample's resPQ,
    /// encrypted_answer and dh_gen_ok; the client's randomness (nonce, new_nonce, b, padding) is the sample's.
    /// RSA_PAD cannot be checked (the page omits its temp key), everything after it is byte-exact.
    /// </summary>
    [Fact]
    public async Task RunAsync_SpecSample_ProducesSampleKeyAndMessages()
    {
        var handshake = SampleHandshake(TelegramPublicKeys.Production);
        var server = new SampleServer();

        var result = await handshake.RunAsync(server.ExchangeAsync, TestContext.Current.CancellationToken);

        Assert.Equal(Convert.FromHexString(SpecSample.AuthKeyHex), result.AuthKey.ToArray());
        Assert.Equal(BinaryPrimitives.ReadInt64LittleEndian(Convert.FromHexString(SpecSample.AuthKeyIdBytes)), result.AuthKey.Id);
        Assert.Equal(BinaryPrimitives.ReadInt64LittleEndian(Convert.FromHexString(SpecSample.FirstSaltBytes)), result.ServerSalt);
        var serverTime = BinaryPrimitives.ReadInt32LittleEndian(Convert.FromHexString(SpecSample.AnswerWithHash).AsSpan(580));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(serverTime) - LocalNow, result.ClockOffset);
        Assert.Equal(3, server.Requests);
        Assert.Equal(Convert.FromHexString(SpecSample.ClientDhEncrypted), server.ClientDhEncryptedData);
        Assert.Equal(SpecSample.P, server.RequestedP);
        Assert.Equal(SpecSample.Q, server.RequestedQ);
        Assert.Equal(TelegramPublicKeys.Production.Fingerprint, server.RequestedFingerprint);
    }

    [Fact]
    public async Task RunAsync_ResPqWithOtherNonce_SecurityError()
    {
        var handshake = SampleHandshake(TelegramPublicKeys.Production);
        var server = new SampleServer { NonceOverride = new byte[16] };

        await Assert.ThrowsAsync<MTProtoSecurityException>(() => handshake.RunAsync(server.ExchangeAsync, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task RunAsync_UnknownFingerprint_SecurityError()
    {
        var handshake = SampleHandshake(TelegramPublicKeys.Test);

        await Assert.ThrowsAsync<MTProtoSecurityException>(() => handshake.RunAsync(new SampleServer().ExchangeAsync, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task RunAsync_WrongNewNonceHash_SecurityError()
    {
        var handshake = SampleHandshake(TelegramPublicKeys.Production);
        var server = new SampleServer { NewNonceHashOverride = new byte[16] };

        await Assert.ThrowsAsync<MTProtoSecurityException>(() => handshake.RunAsync(server.ExchangeAsync, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task RunAsync_TamperedEncryptedAnswer_SecurityError()
    {
        var handshake = SampleHandshake(TelegramPublicKeys.Production);
        var answer = Convert.FromHexString(SpecSample.EncryptedAnswer);
        answer[100] ^= 1;
        var server = new SampleServer { EncryptedAnswerOverride = answer };

        await Assert.ThrowsAsync<MTProtoSecurityException>(() => handshake.RunAsync(server.ExchangeAsync, TestContext.Current.CancellationToken));
    }

    /// <summary>A client trusting <paramref name="key"/> whose random values are the sample's.</summary>
    private static ClientHandshake SampleHandshake(RsaPublicKey key) =>
        new([key], dcId: 2, new ScriptedRandom(SpecSample.Nonce, SpecSample.NewNonce, SpecSample.B, SpecSample.ClientDataPadding), new FakeTimeProvider(LocalNow));

    /// <summary>Answers like the server of the spec sample, and records what the client sent.</summary>
    private sealed class SampleServer
    {
        public byte[]? NonceOverride { get; init; }

        public byte[]? NewNonceHashOverride { get; init; }

        public byte[]? EncryptedAnswerOverride { get; init; }

        public int Requests { get; private set; }

        public ulong RequestedP { get; private set; }

        public ulong RequestedQ { get; private set; }

        public long RequestedFingerprint { get; private set; }

        public byte[] ClientDhEncryptedData { get; private set; } = [];

        public ValueTask<byte[]> ExchangeAsync(byte[] request, CancellationToken cancellationToken)
        {
            Requests++;
            var nonce = NonceOverride ?? Convert.FromHexString(SpecSample.Nonce);
            var serverNonce = Convert.FromHexString(SpecSample.ServerNonce);
            var id = BinaryPrimitives.ReadUInt32LittleEndian(request);
            switch (id)
            {
                case 0xbe7e8ef1:
                    Assert.Equal(Convert.FromHexString(SpecSample.Nonce), request[4..20]);
                    var pq = new byte[8];
                    BinaryPrimitives.WriteUInt64BigEndian(pq, SpecSample.Pq);
                    return ValueTask.FromResult(Concat(Id(0x05162463), nonce, serverNonce, TlBytes(pq), Id(0x1cb5c415), Int32(1), Convert.FromHexString(SpecSample.FingerprintBytes)));
                case 0xd712e4be:
                    var offset = 36;
                    RequestedP = ReadTlNumber(request, ref offset);
                    RequestedQ = ReadTlNumber(request, ref offset);
                    RequestedFingerprint = BinaryPrimitives.ReadInt64LittleEndian(request.AsSpan(offset));
                    var answer = EncryptedAnswerOverride ?? Convert.FromHexString(SpecSample.EncryptedAnswer);
                    return ValueTask.FromResult(Concat(Id(0xd0e8075c), nonce, serverNonce, TlBytes(answer)));
                case 0xf5045f1f:
                    var at = 36;
                    ClientDhEncryptedData = ReadTlBytes(request, ref at);
                    var hash = NewNonceHashOverride ?? Convert.FromHexString(SpecSample.NewNonceHash1);
                    return ValueTask.FromResult(Concat(Id(0x3bcbf734), nonce, serverNonce, hash));
                default:
                    throw new InvalidOperationException($"Unexpected request 0x{id:x8}.");
            }
        }

        private static ulong ReadTlNumber(byte[] data, ref int offset) =>
            (ulong)new BigInteger(ReadTlBytes(data, ref offset), isUnsigned: true, isBigEndian: true);

        private static byte[] ReadTlBytes(byte[] data, ref int offset)
        {
            int length;
            int header;
            if (data[offset] < 254)
            {
                length = data[offset];
                header = 1;
            }
            else
            {
                length = data[offset + 1] | (data[offset + 2] << 8) | (data[offset + 3] << 16);
                header = 4;
            }

            var value = data.AsSpan(offset + header, length).ToArray();
            offset += (header + length + 3) & ~3;
            return value;
        }

        private static byte[] TlBytes(byte[] value)
        {
            byte[] header = value.Length < 254 ? [(byte)value.Length] : [254, (byte)value.Length, (byte)(value.Length >> 8), (byte)(value.Length >> 16)];
            var padding = new byte[(4 - ((header.Length + value.Length) % 4)) % 4];
            return Concat(header, value, padding);
        }

        private static byte[] Id(uint id) => BitConverter.GetBytes(id);

        private static byte[] Int32(int value) => BitConverter.GetBytes(value);

        private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];
    }
}

/// <summary>
/// Serves scripted values to the requests whose length matches the next script entry (nonce 16, new_nonce 32,
/// b 256, padding 12, in that order) and seeded bytes to anything else (RSA_PAD's temp key and padding).
/// </summary>
internal sealed class ScriptedRandom(params string[] hexValues) : IRandomSource
{
    private readonly Queue<byte[]> _script = new(hexValues.Select(Convert.FromHexString));
    private readonly Random _other = new(42);

    public void Fill(Span<byte> destination)
    {
        if (_script.TryPeek(out var next) && next.Length == destination.Length)
        {
            _script.Dequeue().CopyTo(destination);
            return;
        }

        _other.NextBytes(destination);
    }
}
