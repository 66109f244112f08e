using Channel.MTProto.Tests.Session;
using System.Buffers.Binary;
using System.Numerics;
using Channel.MTProto.Crypto;
using Channel.MTProto.Emulator;
using Channel.MTProto.Emulator.Handshake;
using Channel.MTProto.Emulator.Sessions;
using Channel.MTProto.Session;
using Channel.MTProto.Tl;
using Channel.MTProto.Tl.Mt;
using Microsoft.Extensions.Time.Testing;

namespace Channel.MTProto.Tests.Emulator;

/// <summary>The server side of the key exchange, driven in-process step by step.</summary>
public sealed class ServerHandshakeTests
{
    // The spec's auth-key sample (/mtproto/samples-auth_key, January 2024), from the shared test vectors.
    private const string SampleNonce = SpecSample.Nonce;
    private const string SampleServerNonce = SpecSample.ServerNonce;
    private const string SampleNewNonce = SpecSample.NewNonce;
    private const ulong SampleP = SpecSample.P;
    private const ulong SampleQ = SpecSample.Q;
    private const string SampleTmpAesKey = SpecSample.TmpAesKey;
    private const string SampleTmpAesIv = SpecSample.TmpAesIv;

    private const string SampleClientSecretB = SpecSample.B;

    /// <summary>IGE(tmp key/iv) of SHA1(client_data) ‖ client_data (retry_id 0, g_b = 3^b) ‖ padding.</summary>
    private const string SampleClientDhEncrypted = SpecSample.ClientDhEncrypted;

    private static readonly RsaPrivateKey Key = RsaPrivateKey.Generate();

    [Theory]
    [InlineData(InnerDataFormat.RsaPadDc)]
    [InlineData(InnerDataFormat.LegacyNoDc)]
    [InlineData(InnerDataFormat.RsaPadTempDc)]
    public void Handle_FullExchange_RegistersTheKeyBothSidesCompute(InnerDataFormat format)
    {
        var fixture = new Fixture();
        var exchange = fixture.Run(format);

        Assert.Equal(DhGenOk.TlConstructorId, BinaryPrimitives.ReadUInt32LittleEndian(exchange.Answer));
        Assert.True(fixture.Registry.TryGet(exchange.ClientKey.Id, out var registered));
        Assert.Equal(exchange.ClientKey, registered.Key);
        Assert.True(registered.Salts.Accepts(AuthKeyDerivation.ComputeFirstSalt(exchange.NewNonce, exchange.ServerNonce)));
        Assert.Equal(format == InnerDataFormat.RsaPadTempDc, registered.ExpiresAt is not null);
    }

    [Fact]
    public void Handle_IdenticalResends_AreAnsweredIdentically()
    {
        var fixture = new Fixture();
        var exchange = fixture.Run(InnerDataFormat.RsaPadDc);

        Assert.Equal(exchange.ResPq, fixture.Handshake.Handle(exchange.ReqPq).Response);
        Assert.Equal(exchange.DhParams, fixture.Handshake.Handle(exchange.ReqDhParams).Response);
        Assert.Equal(exchange.Answer, fixture.Handshake.Handle(exchange.SetClientDhParams).Response);
        Assert.Equal(1, fixture.Registry.Count);
    }

    [Fact]
    public void Handle_ResPq_PqIsAProductOfTwo31BitPrimes()
    {
        var fixture = new Fixture();
        var exchange = fixture.Run(InnerDataFormat.RsaPadDc);

        Assert.InRange(exchange.P, 1UL << 30, (1UL << 31) - 1);
        Assert.InRange(exchange.Q, exchange.P + 1, (1UL << 31) - 1);
        Assert.Equal(exchange.P * exchange.Q, exchange.Pq);
    }

    [Fact]
    public void Handle_WrongFingerprint_FailsForMinus404()
    {
        var fixture = new Fixture();
        var (nonce, serverNonce, pq) = fixture.ReqPq();
        var (p, q) = PqFactorizer.Factorize(pq);
        var inner = EmulatorTestClient.PqInnerData(InnerDataFormat.RsaPadDc, pq, p, q, nonce, serverNonce, RandomBytes(32), 2);
        var encrypted = RsaPad.Encrypt(inner, Key.PublicKey, SystemRandomSource.Instance);

        var reply = fixture.Handshake.Handle(EmulatorTestClient.ReqDhParams(nonce, serverNonce, p, q, Key.Fingerprint + 1, encrypted));

        Assert.Null(reply.Response);
        Assert.Contains("fingerprint", reply.Failure);
    }

    [Fact]
    public void Handle_WrongFactors_Fails()
    {
        var fixture = new Fixture();
        var (nonce, serverNonce, pq) = fixture.ReqPq();
        var (p, q) = PqFactorizer.Factorize(pq);
        var inner = EmulatorTestClient.PqInnerData(InnerDataFormat.RsaPadDc, pq, p, q, nonce, serverNonce, RandomBytes(32), 2);
        var encrypted = RsaPad.Encrypt(inner, Key.PublicKey, SystemRandomSource.Instance);

        var reply = fixture.Handshake.Handle(EmulatorTestClient.ReqDhParams(nonce, serverNonce, q, p, Key.Fingerprint, encrypted));

        Assert.Null(reply.Response);
    }

    [Fact]
    public void Handle_UnknownNonce_Fails()
    {
        var fixture = new Fixture();
        var reply = fixture.Handshake.Handle(EmulatorTestClient.SetClientDhParams(RandomBytes(16), RandomBytes(16), new byte[64]));

        Assert.Null(reply.Response);
        Assert.Contains("nonce", reply.Failure);
    }

    [Fact]
    public void Handle_GarbageEncryptedData_Fails()
    {
        var fixture = new Fixture();
        var (nonce, serverNonce, pq) = fixture.ReqPq();
        var (p, q) = PqFactorizer.Factorize(pq);

        var reply = fixture.Handshake.Handle(EmulatorTestClient.ReqDhParams(nonce, serverNonce, p, q, Key.Fingerprint, RandomBytes(255)));

        Assert.Null(reply.Response);
    }

    [Fact]
    public void Handle_ForcedRetry_AnswersDhGenRetryThenAcceptsTheRetryId()
    {
        var retries = 1;
        var fixture = new Fixture(forceRetry: () => retries-- > 0);
        var exchange = fixture.Run(InnerDataFormat.RsaPadDc);
        Assert.Equal(DhGenRetry.TlConstructorId, BinaryPrimitives.ReadUInt32LittleEndian(exchange.Answer));
        Assert.Equal(0, fixture.Registry.Count);

        // The client retries with retry_id = aux_hash of the refused key and a fresh g_b.
        var (key, iv) = EmulatorTestClient.TempKey(exchange.NewNonce, exchange.ServerNonce);
        var (b, gB) = DhExchange.GenerateKeyPair(3, DhGroup.KnownPrime, SystemRandomSource.Instance);
        var retry = EmulatorTestClient.ClientDhInnerData(exchange.Nonce, exchange.ServerNonce, exchange.ClientKey.AuxHash, gB);
        var answer = fixture.Handshake.Handle(EmulatorTestClient.SetClientDhParams(
            exchange.Nonce, exchange.ServerNonce, HandshakeCipher.Encrypt(key, iv, retry, SystemRandomSource.Instance))).Response!;

        Assert.Equal(DhGenOk.TlConstructorId, BinaryPrimitives.ReadUInt32LittleEndian(answer));
        var authKey = AuthKey.FromBytes(DhExchange.ComputeAuthKey(exchange.GA, b, DhGroup.KnownPrime));
        Assert.True(fixture.Registry.TryGet(authKey.Id, out _));
    }

    [Fact]
    public void Handle_WrongRetryId_AnswersDhGenFail()
    {
        var fixture = new Fixture();
        var exchange = fixture.Run(InnerDataFormat.RsaPadDc, retryId: 12345);

        Assert.Equal(DhGenFail.TlConstructorId, BinaryPrimitives.ReadUInt32LittleEndian(exchange.Answer));
        Assert.Equal(0, fixture.Registry.Count);
    }

    /// <summary>
    /// The spec sample through the server: with the sample's server_nonce and p, q injected, the server's
    /// encrypted answer opens with the sample's tmp_aes_key/iv, and the sample's own set_client_DH_params bytes
    /// (g_b from the sample's b) are accepted with a dh_gen_ok whose hash matches g_a^b.
    /// </summary>
    [Fact]
    public void Handle_SpecSample_ServerDerivesTheSampleTemporaryKeyAndAcceptsTheSampleClientData()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        var fixture = new Fixture(random: new SampleRandom(), time: time);
        var nonce = Convert.FromHexString(SampleNonce);
        var serverNonce = Convert.FromHexString(SampleServerNonce);
        var newNonce = Convert.FromHexString(SampleNewNonce);

        var resPq = fixture.Handshake.Handle(ReqPqMultiBody(nonce)).Response!;
        var reader = new TlReader(resPq.AsSpan(4));
        Assert.Equal(nonce, reader.ReadRaw(16).ToArray());
        Assert.Equal(serverNonce, reader.ReadRaw(16).ToArray());
        Assert.Equal("1460E7D3FA727791", Convert.ToHexString(reader.ReadBytesSpan())); // 1468428376148703121

        var inner = EmulatorTestClient.PqInnerData(InnerDataFormat.RsaPadDc, SampleP * SampleQ, SampleP, SampleQ, nonce, serverNonce, newNonce, 2);
        var dhParams = fixture.Handshake.Handle(EmulatorTestClient.ReqDhParams(
            nonce, serverNonce, SampleP, SampleQ, Key.Fingerprint, RsaPad.Encrypt(inner, Key.PublicKey, SystemRandomSource.Instance))).Response!;
        var (g, prime, gA) = EmulatorTestClient.ReadServerDhParams(dhParams, Convert.FromHexString(SampleTmpAesKey), Convert.FromHexString(SampleTmpAesIv));
        Assert.Equal(3, g);
        Assert.Equal(DhGroup.KnownPrime, prime);

        var answer = fixture.Handshake.Handle(EmulatorTestClient.SetClientDhParams(nonce, serverNonce, Convert.FromHexString(SampleClientDhEncrypted))).Response!;

        Assert.Equal(DhGenOk.TlConstructorId, BinaryPrimitives.ReadUInt32LittleEndian(answer));
        var b = BigEndian.ToBigInteger(Convert.FromHexString(SampleClientSecretB));
        var authKey = AuthKey.FromBytes(DhExchange.ComputeAuthKey(gA, b, prime));
        var expectedHash = new byte[16];
        AuthKeyDerivation.ComputeNewNonceHash(newNonce, 1, authKey.Key, expectedHash);
        Assert.Equal(expectedHash, answer.AsSpan(36, 16).ToArray());
        Assert.True(fixture.Registry.TryGet(authKey.Id, out var registered));
        Assert.True(registered.Salts.Accepts(BinaryPrimitives.ReadInt64LittleEndian(Convert.FromHexString("522FB2FFF026A7FE"))));
    }

    private static byte[] ReqPqMultiBody(byte[] nonce)
        => EmulatorTestClient.Build((ref TlWriter w) =>
        {
            w.WriteUInt32(ReqPqMulti.TlConstructorId);
            w.WriteRaw(nonce);
        });

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    private sealed class SampleRandom : HandshakeRandom
    {
        public override void NextServerNonce(Span<byte> destination) => Convert.FromHexString(SampleServerNonce).CopyTo(destination);

        public override (ulong P, ulong Q) NextPrimePair() => (SampleP, SampleQ);
    }

    private sealed record Exchange(
        byte[] Nonce, byte[] ServerNonce, byte[] NewNonce, ulong Pq, ulong P, ulong Q, BigInteger GA,
        byte[] ReqPq, byte[] ResPq, byte[] ReqDhParams, byte[] DhParams, byte[] SetClientDhParams, byte[] Answer, AuthKey ClientKey);

    private sealed class Fixture
    {
        public Fixture(Func<bool>? forceRetry = null, HandshakeRandom? random = null, TimeProvider? time = null)
        {
            Handshake = new ServerHandshake(Key, Registry, time ?? TimeProvider.System, random ?? new HandshakeRandom(), new EmulatorOptions(), forceRetry ?? (() => false));
        }

        public AuthKeyRegistry Registry { get; } = new();

        public ServerHandshake Handshake { get; }

        public (byte[] Nonce, byte[] ServerNonce, ulong Pq) ReqPq()
        {
            var nonce = RandomBytes(16);
            var resPq = Handshake.Handle(ReqPqMultiBody(nonce)).Response!;
            var reader = new TlReader(resPq.AsSpan(36));
            var pq = BigEndian.ToBigInteger(reader.ReadBytesSpan());
            return (nonce, resPq.AsSpan(20, 16).ToArray(), (ulong)pq);
        }

        /// <summary>A whole exchange as a client would run it; returns every message for resend checks.</summary>
        public Exchange Run(InnerDataFormat format, long retryId = 0)
        {
            var nonce = RandomBytes(16);
            var reqPq = ReqPqMultiBody(nonce);
            var resPq = Handshake.Handle(reqPq).Response!;
            var serverNonce = resPq.AsSpan(20, 16).ToArray();
            var reader = new TlReader(resPq.AsSpan(36));
            var pq = (ulong)BigEndian.ToBigInteger(reader.ReadBytesSpan());
            var (p, q) = PqFactorizer.Factorize(pq);
            var newNonce = RandomBytes(32);
            var inner = EmulatorTestClient.PqInnerData(format, pq, p, q, nonce, serverNonce, newNonce, -2);
            var encrypted = format == InnerDataFormat.LegacyNoDc
                ? RsaLegacy.Encrypt(inner, Key.PublicKey, SystemRandomSource.Instance)
                : RsaPad.Encrypt(inner, Key.PublicKey, SystemRandomSource.Instance);
            var reqDhParams = EmulatorTestClient.ReqDhParams(nonce, serverNonce, p, q, Key.Fingerprint, encrypted);
            var reply = Handshake.Handle(reqDhParams);
            Assert.Null(reply.Failure);
            var dhParams = reply.Response!;
            var (key, iv) = EmulatorTestClient.TempKey(newNonce, serverNonce);
            var (g, prime, gA) = EmulatorTestClient.ReadServerDhParams(dhParams, key, iv);
            var (b, gB) = DhExchange.GenerateKeyPair(g, prime, SystemRandomSource.Instance);
            var clientInner = EmulatorTestClient.ClientDhInnerData(nonce, serverNonce, retryId, gB);
            var setClientDhParams = EmulatorTestClient.SetClientDhParams(nonce, serverNonce, HandshakeCipher.Encrypt(key, iv, clientInner, SystemRandomSource.Instance));
            var answer = Handshake.Handle(setClientDhParams).Response!;
            var clientKey = AuthKey.FromBytes(DhExchange.ComputeAuthKey(gA, b, prime));
            return new Exchange(nonce, serverNonce, newNonce, pq, p, q, gA, reqPq, resPq, reqDhParams, dhParams, setClientDhParams, answer, clientKey);
        }
    }
}
