using System.Buffers.Binary;
using Channel.MTProto.Crypto;
using Channel.MTProto.Emulator;
using Channel.MTProto.Emulator.Wire;
using Channel.MTProto.Session;
using Channel.MTProto.Tl;
using Channel.MTProto.Tl.Mt;
using Channel.MTProto.Transport;

namespace Channel.MTProto.Tests.Emulator;

/// <summary>How the test client encrypts p_q_inner_data in req_DH_params.</summary>
public enum InnerDataFormat
{
    /// <summary>RSA_PAD with p_q_inner_data_dc, as our client and mtcute send it.</summary>
    RsaPadDc,

    /// <summary>SHA1(data) ‖ data ‖ random with p_q_inner_data (no dc), as GramJS's RSA.encrypt and Telethon 1.25 do.</summary>
    LegacyNoDc,

    /// <summary>RSA_PAD with p_q_inner_data_temp_dc (a temporary key for PFS).</summary>
    RsaPadTempDc,
}

/// <summary>A message the server sent, after decryption (containers flattened).</summary>
internal sealed record ServerMessage(long MsgId, int SeqNo, byte[] Body, bool InContainer = false)
{
    public uint Constructor => BinaryPrimitives.ReadUInt32LittleEndian(Body);

    public T As<T>()
        where T : class, ITlObject => TlSerializer.Deserialize<T>(Body);
}

/// <summary>
/// A deliberately small MTProto client for emulator tests, built from the shared primitives (transport, RSA, DH,
/// message codec) the way any client would use them: it does the key exchange step by step and sends and receives
/// single encrypted messages, so a test can also send what a well-behaved client would not.
/// </summary>
internal sealed class EmulatorTestClient : IAsyncDisposable
{
    private readonly TelegramEmulator _emulator;
    private readonly FramedConnection _connection;
    private readonly SeqNoCounter _seqNo = new();
    private readonly Queue<ServerMessage> _pending = new();

    private EmulatorTestClient(TelegramEmulator emulator, FramedConnection connection, TimeProvider time)
    {
        _emulator = emulator;
        _connection = connection;
        Ids = new MessageIdGenerator(time);
    }

    public AuthKey? AuthKey { get; private set; }

    public long Salt { get; set; }

    public long SessionId { get; set; } = Random.Shared.NextInt64();

    public MessageIdGenerator Ids { get; }

    public FramedConnection Connection => _connection;

    public static async Task<EmulatorTestClient> ConnectAsync(
        TelegramEmulator emulator, CancellationToken ct, TransportOptions? transport = null, int? dcId = null, TimeProvider? time = null)
    {
        var endpoint = emulator.Dcs[dcId ?? emulator.MainDcId];
        var connection = await FramedConnection.ConnectAsync(endpoint, transport ?? new TransportOptions(), ct);
        return new EmulatorTestClient(emulator, connection, time ?? TimeProvider.System);
    }

    /// <summary>Connects and reuses an existing key (a second connection of the same client).</summary>
    public static async Task<EmulatorTestClient> ConnectWithKeyAsync(EmulatorTestClient existing, TelegramEmulator emulator, CancellationToken ct, TimeProvider? time = null)
    {
        var client = await ConnectAsync(emulator, ct, time: time);
        client.AuthKey = existing.AuthKey;
        client.Salt = existing.Salt;
        return client;
    }

    // ---- key exchange ------------------------------------------------------------------------------------------

    public async Task<AuthKey> CreateAuthKeyAsync(CancellationToken ct, InnerDataFormat format = InnerDataFormat.RsaPadDc)
    {
        var random = SystemRandomSource.Instance;
        var nonce = new byte[16];
        random.Fill(nonce);
        var resPq = await SendPlainAsync(Build((ref TlWriter w) => { w.WriteUInt32(ReqPqMulti.TlConstructorId); w.WriteRaw(nonce); }), ct);
        var reader = new TlReader(resPq);
        Assert.Equal(ResPQ.TlConstructorId, reader.ReadUInt32());
        Assert.Equal(nonce, reader.ReadRaw(16).ToArray());
        var serverNonce = reader.ReadRaw(16).ToArray();
        var pq = BinaryPrimitives.ReadUInt64BigEndian(LeftPad(reader.ReadBytesSpan(), 8));
        var fingerprints = reader.ReadVector(static (ref TlReader r) => r.ReadInt64(), 8);
        Assert.Contains(_emulator.Fingerprint, fingerprints);

        var (p, q) = PqFactorizer.Factorize(pq);
        var newNonce = new byte[32];
        random.Fill(newNonce);
        var inner = PqInnerData(format, pq, p, q, nonce, serverNonce, newNonce, _emulator.MainDcId);
        var publicKey = RsaPublicKey.FromPem(_emulator.PublicKeyPem);
        var encrypted = format == InnerDataFormat.LegacyNoDc
            ? RsaLegacy.Encrypt(inner, publicKey, random)
            : RsaPad.Encrypt(inner, publicKey, random);
        var dhParams = await SendPlainAsync(ReqDhParams(nonce, serverNonce, p, q, _emulator.Fingerprint, encrypted), ct);
        var (authKey, salt) = await CompleteDhAsync(dhParams, nonce, serverNonce, newNonce, ct);
        AuthKey = authKey;
        Salt = salt;
        return authKey;
    }

    internal static byte[] PqInnerData(InnerDataFormat format, ulong pq, ulong p, ulong q, byte[] nonce, byte[] serverNonce, byte[] newNonce, int dc)
        => Build((ref TlWriter w) =>
        {
            w.WriteUInt32(format switch
            {
                InnerDataFormat.LegacyNoDc => PQInnerData.TlConstructorId,
                InnerDataFormat.RsaPadTempDc => PQInnerDataTempDc.TlConstructorId,
                _ => PQInnerDataDc.TlConstructorId,
            });
            w.WriteBytes(BigEndianBytes(pq));
            w.WriteBytes(BigEndianBytes(p));
            w.WriteBytes(BigEndianBytes(q));
            w.WriteRaw(nonce);
            w.WriteRaw(serverNonce);
            w.WriteRaw(newNonce);
            if (format != InnerDataFormat.LegacyNoDc)
            {
                w.WriteInt32(dc);
            }

            if (format == InnerDataFormat.RsaPadTempDc)
            {
                w.WriteInt32(3600);
            }
        });

    internal static byte[] ReqDhParams(byte[] nonce, byte[] serverNonce, ulong p, ulong q, long fingerprint, byte[] encrypted)
        => Build((ref TlWriter w) =>
        {
            w.WriteUInt32(ReqDHParams.TlConstructorId);
            w.WriteRaw(nonce);
            w.WriteRaw(serverNonce);
            w.WriteBytes(BigEndianBytes(p));
            w.WriteBytes(BigEndianBytes(q));
            w.WriteInt64(fingerprint);
            w.WriteBytes(encrypted);
        });

    /// <summary>Steps 3–4: decrypt server_DH_inner_data, send client_DH_inner_data, check dh_gen_ok.</summary>
    private async Task<(AuthKey Key, long Salt)> CompleteDhAsync(byte[] dhParams, byte[] nonce, byte[] serverNonce, byte[] newNonce, CancellationToken ct)
    {
        var (key, iv) = TempKey(newNonce, serverNonce);
        var (g, prime, gA) = ReadServerDhParams(dhParams, key, iv);
        long retryId = 0;
        while (true)
        {
            var (b, gB) = DhExchange.GenerateKeyPair(g, prime, SystemRandomSource.Instance);
            var clientInner = ClientDhInnerData(nonce, serverNonce, retryId, gB);
            var encrypted = HandshakeCipher.Encrypt(key, iv, clientInner, SystemRandomSource.Instance);
            var answer = await SendPlainAsync(SetClientDhParams(nonce, serverNonce, encrypted), ct);
            var authKey = AuthKey.FromBytes(DhExchange.ComputeAuthKey(gA, b, prime));
            var constructor = BinaryPrimitives.ReadUInt32LittleEndian(answer);
            var number = constructor == DhGenOk.TlConstructorId ? (byte)1 : constructor == DhGenRetry.TlConstructorId ? (byte)2 : (byte)3;
            var expected = new byte[16];
            AuthKeyDerivation.ComputeNewNonceHash(newNonce, number, authKey.Key, expected);
            Assert.Equal(expected, answer.AsSpan(36, 16).ToArray());
            if (number == 1)
            {
                return (authKey, AuthKeyDerivation.ComputeFirstSalt(newNonce, serverNonce));
            }

            Assert.Equal(2, number);
            retryId = authKey.AuxHash;
        }
    }

    internal static (byte[] Key, byte[] Iv) TempKey(byte[] newNonce, byte[] serverNonce)
    {
        var key = new byte[32];
        var iv = new byte[32];
        AuthKeyDerivation.DeriveTempAesKeyIv(newNonce, serverNonce, key, iv);
        return (key, iv);
    }

    internal static (int G, System.Numerics.BigInteger Prime, System.Numerics.BigInteger GA) ReadServerDhParams(byte[] dhParams, byte[] key, byte[] iv)
    {
        var reader = new TlReader(dhParams);
        Assert.Equal(ServerDHParamsOk.TlConstructorId, reader.ReadUInt32());
        reader.ReadRaw(32);
        var answer = HandshakeCipher.Decrypt(key, iv, reader.ReadBytesSpan());
        var inner = new TlReader(answer);
        Assert.Equal(ServerDHInnerData.TlConstructorId, inner.ReadUInt32());
        inner.ReadRaw(32);
        var g = inner.ReadInt32();
        var prime = BigEndian.ToBigInteger(inner.ReadBytesSpan());
        var gA = BigEndian.ToBigInteger(inner.ReadBytesSpan());
        DhGroup.Validate(prime, g);
        DhExchange.ValidatePublicValue(gA, prime);
        return (g, prime, gA);
    }

    internal static byte[] ClientDhInnerData(byte[] nonce, byte[] serverNonce, long retryId, System.Numerics.BigInteger gB)
        => Build((ref TlWriter w) =>
        {
            w.WriteUInt32(ClientDHInnerData.TlConstructorId);
            w.WriteRaw(nonce);
            w.WriteRaw(serverNonce);
            w.WriteInt64(retryId);
            w.WriteBytes(gB.ToByteArray(isUnsigned: true, isBigEndian: true));
        });

    internal static byte[] SetClientDhParams(byte[] nonce, byte[] serverNonce, byte[] encrypted)
        => Build((ref TlWriter w) =>
        {
            w.WriteUInt32(SetClientDHParams.TlConstructorId);
            w.WriteRaw(nonce);
            w.WriteRaw(serverNonce);
            w.WriteBytes(encrypted);
        });

    /// <summary>Sends an unencrypted message and returns the body of the unencrypted answer.</summary>
    public async Task<byte[]> SendPlainAsync(byte[] body, CancellationToken ct)
    {
        await _connection.SendAsync(PlainMessage.Encode(Ids.NextClientId(), body), ct);
        using var frame = await _connection.ReceiveAsync(ct);
        PlainMessage.Read(frame.Payload.Span, out var answer);
        return answer.ToArray();
    }

    // ---- encrypted messages ------------------------------------------------------------------------------------

    /// <summary>Sends one encrypted message; any header field can be overridden to misbehave on purpose.</summary>
    public async Task<long> SendAsync(byte[] body, CancellationToken ct, bool contentRelated = true, long? msgId = null, int? seqNo = null, long? salt = null)
    {
        var id = msgId ?? Ids.NextClientId();
        var header = new EncryptedMessageHeader(salt ?? Salt, SessionId, id, seqNo ?? _seqNo.Next(contentRelated), body.Length);
        await _connection.SendAsync(EncryptedMessage.Encrypt(AuthKey!, MessageDirection.ClientToServer, header, body, SystemRandomSource.Instance), ct);
        return id;
    }

    public Task<long> SendAsync(ITlObject message, CancellationToken ct, bool contentRelated = true)
        => SendAsync(TlSerializer.ToArray(message), ct, contentRelated);

    /// <summary>Sends several messages in one msg_container.</summary>
    public async Task<long[]> SendContainerAsync(CancellationToken ct, params byte[][] bodies)
    {
        var messages = bodies.Select(body => new TlMessage(Ids.NextClientId(), _seqNo.Next(contentRelated: true), body)).ToArray();
        var container = Build((ref TlWriter w) => TlServiceMessages.WriteContainer(ref w, messages));
        await SendAsync(container, ct, contentRelated: false);
        return messages.Select(m => m.MessageId).ToArray();
    }

    /// <summary>The next server message (containers are unpacked and their contents returned one by one).</summary>
    public async Task<ServerMessage> ReceiveAsync(CancellationToken ct)
    {
        while (_pending.Count == 0)
        {
            using var frame = await _connection.ReceiveAsync(ct);
            // Padded intermediate appends up to 15 random bytes: only whole blocks after the envelope are ciphertext.
            var packet = frame.Payload[..(EncryptedMessage.EnvelopeLength + ((frame.Payload.Length - EncryptedMessage.EnvelopeLength) / 16 * 16))];
            var plaintext = new byte[packet.Length];
            var header = EncryptedMessage.Decrypt(AuthKey!, MessageDirection.ServerToClient, packet.Span, plaintext, SessionId);
            var body = plaintext.AsSpan(EncryptedMessageHeader.BodyOffset, header.BodyLength).ToArray();
            if (BinaryPrimitives.ReadUInt32LittleEndian(body) == TlServiceMessages.MsgContainerId)
            {
                var reader = new TlReader(body.AsSpan(4));
                var count = TlServiceMessages.ReadContainerCount(ref reader);
                for (var i = 0; i < count; i++)
                {
                    var item = TlServiceMessages.ReadMessageHeader(ref reader);
                    _pending.Enqueue(new ServerMessage(item.MessageId, item.Seqno, reader.ReadRaw(item.Length).ToArray(), InContainer: true));
                }
            }
            else
            {
                _pending.Enqueue(new ServerMessage(header.MessageId, header.SeqNo, body));
            }
        }

        return _pending.Dequeue();
    }

    /// <summary>Receives until a message with <paramref name="constructor"/> arrives; returns it and what was skipped.</summary>
    public async Task<(ServerMessage Message, List<ServerMessage> Skipped)> ReceiveUntilAsync(uint constructor, CancellationToken ct)
    {
        var skipped = new List<ServerMessage>();
        while (true)
        {
            var message = await ReceiveAsync(ct);
            if (message.Constructor == constructor)
            {
                return (message, skipped);
            }

            skipped.Add(message);
        }
    }

    /// <summary>Receives the rpc_result for <paramref name="requestMsgId"/>; returns its result object's bytes (gzip unpacked).</summary>
    public async Task<RpcOutcome> ReceiveResultAsync(long requestMsgId, CancellationToken ct)
    {
        while (true)
        {
            var (message, _) = await ReceiveUntilAsync(TlServiceMessages.RpcResultId, ct);
            var reader = new TlReader(message.Body.AsSpan(4));
            if (reader.ReadInt64() != requestMsgId)
            {
                continue;
            }

            var result = reader.ReadObject();
            return new RpcOutcome(message, result);
        }
    }

    /// <summary>Sends <paramref name="method"/> and waits for its rpc_result.</summary>
    public async Task<RpcOutcome> InvokeAsync(byte[] method, CancellationToken ct)
        => await ReceiveResultAsync(await SendAsync(method, ct), ct);

    public Task<RpcOutcome> InvokeAsync(ITlObject method, CancellationToken ct) => InvokeAsync(TlSerializer.ToArray(method), ct);

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    internal static byte[] Build(TlBuild build) => TlBuffer.Build(build);

    private static byte[] BigEndianBytes(ulong value)
        => new System.Numerics.BigInteger(value).ToByteArray(isUnsigned: true, isBigEndian: true);

    private static ReadOnlySpan<byte> LeftPad(ReadOnlySpan<byte> value, int length)
    {
        var padded = new byte[length];
        value.CopyTo(padded.AsSpan(length - value.Length));
        return padded;
    }
}

/// <summary>An rpc_result: the message that carried it and its (unpacked) result object.</summary>
internal sealed record RpcOutcome(ServerMessage Message, ITlObject Result)
{
    public RpcError Error => Assert.IsType<RpcError>(Result);

    /// <summary>True when the result travelled as gzip_packed.</summary>
    public bool WasGzipped => BinaryPrimitives.ReadUInt32LittleEndian(Message.Body.AsSpan(12)) == TlServiceMessages.GzipPackedId;
}

/// <summary>Endpoints and timeouts shared by the emulator tests.</summary>
internal static class EmulatorTestSupport
{
    /// <summary>Every test bounds its network waits, so a regression fails instead of hanging the run.</summary>
    public static CancellationTokenSource Timeout(TimeSpan? after = null)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(after ?? TimeSpan.FromSeconds(60));
        return cts;
    }
}
