using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Numerics;
using System.Security.Cryptography;
using Channel.MTProto.Crypto;
using Channel.MTProto.Emulator.Sessions;
using Channel.MTProto.Emulator.Wire;
using Channel.MTProto.Session;
using Channel.MTProto.Session.Handshake;
using Channel.MTProto.Tl;

namespace Channel.MTProto.Emulator.Handshake;

/// <summary>What the server answers an unencrypted handshake message: a TL body, or a reason to send −404.</summary>
internal readonly record struct HandshakeReply(byte[]? Response, string? Failure, AuthKeyState? CreatedKey = null)
{
    public static HandshakeReply Fail(string reason) => new(null, reason);
}

/// <summary>
/// The server side of the auth-key exchange (/mtproto/auth_key) for one DC. Accepts the RSA_PAD and the legacy
/// SHA1+data+random encryption and all four p_q_inner_data variants with any dc value; answers with the
/// well-known prime and g = 3. State is kept per client nonce, and an identical resend of a step gets the identical
/// answer. Thread-safe: connections of one DC share it.
/// </summary>
/// <remarks>
/// Written against the shared TL reader/writer rather than the generated Mt types: those map the schema's binary
/// <c>string</c> fields (pq, p, q, encrypted_data, g_a) to <see cref="string"/>, which cannot carry arbitrary bytes.
/// </remarks>
internal sealed class ServerHandshake(
    RsaPrivateKey rsaKey,
    AuthKeyRegistry registry,
    TimeProvider time,
    HandshakeRandom random,
    EmulatorOptions options,
    Func<bool> forceRetry)
{
    public const int Generator = 3;

    private const int NonceSize = AuthKeyDerivation.NonceSize;
    private static readonly TimeSpan StateLifetime = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<UInt128, HandshakeState> _states = new();

    /// <summary>Handles req_pq, req_pq_multi, req_DH_params or set_client_DH_params.</summary>
    public HandshakeReply Handle(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new TlReader(body);
            return reader.ReadUInt32() switch
            {
                HandshakeMessages.ReqPqId or HandshakeMessages.ReqPqMultiId => HandleReqPq(reader.ReadRaw(NonceSize)),
                HandshakeMessages.ReqDhParamsId => HandleReqDhParams(body, ref reader),
                HandshakeMessages.SetClientDhParamsId => HandleSetClientDhParams(body, ref reader),
                var other => HandshakeReply.Fail($"unexpected unencrypted constructor 0x{other:x8}"),
            };
        }
        catch (TlDeserializationException ex)
        {
            return HandshakeReply.Fail("malformed handshake message: " + ex.Message);
        }
    }

    private HandshakeReply HandleReqPq(ReadOnlySpan<byte> nonce)
    {
        var key = BinaryPrimitives.ReadUInt128LittleEndian(nonce);
        if (_states.TryGetValue(key, out var existing))
        {
            return new HandshakeReply(existing.ResPq, null);
        }

        ForgetExpiredStates();
        var serverNonce = new byte[NonceSize];
        random.NextServerNonce(serverNonce);
        var (p, q) = random.NextPrimePair();
        var state = new HandshakeState(nonce.ToArray(), serverNonce, p, q, time.GetUtcNow());
        var pq = (new BigInteger(p) * q).ToByteArray(isUnsigned: true, isBigEndian: true);
        var fingerprint = rsaKey.Fingerprint;
        state.ResPq = TlBuffer.Build((ref TlWriter writer) =>
        {
            writer.WriteUInt32(HandshakeMessages.ResPqId);
            writer.WriteRaw(state.Nonce);
            writer.WriteRaw(state.ServerNonce);
            writer.WriteBytes(pq);
            writer.WriteUInt32(TlServiceMessages.VectorId);
            writer.WriteInt32(1);
            writer.WriteInt64(fingerprint);
        });
        return new HandshakeReply(_states.GetOrAdd(key, state).ResPq, null);
    }

    private HandshakeReply HandleReqDhParams(ReadOnlySpan<byte> body, ref TlReader reader)
    {
        if (!TryGetState(ref reader, out var state, out var failure))
        {
            return HandshakeReply.Fail(failure);
        }

        var p = BigEndian.ToBigInteger(reader.ReadBytesSpan());
        var q = BigEndian.ToBigInteger(reader.ReadBytesSpan());
        var fingerprint = reader.ReadInt64();
        var encrypted = reader.ReadBytesSpan();
        lock (state)
        {
            if (state.DhParamsRequest is not null && body.SequenceEqual(state.DhParamsRequest))
            {
                return new HandshakeReply(state.DhParamsResponse, null);
            }

            if (p != state.P || q != state.Q)
            {
                return HandshakeReply.Fail("p and q do not factor the pq the server sent");
            }

            if (fingerprint != rsaKey.Fingerprint)
            {
                return HandshakeReply.Fail($"unknown public key fingerprint {fingerprint}");
            }

            if (!TryDecryptInnerData(rsaKey, encrypted, out var inner, out failure) || !CheckInnerData(state, inner, out failure))
            {
                return HandshakeReply.Fail(failure);
            }

            state.NewNonce = inner.NewNonce;
            state.TemporaryKeyLifetime = inner.ExpiresIn;
            var (secret, gA) = random.NextDhKeyPair(Generator, DhGroup.KnownPrime);
            state.DhSecret = secret;
            var serverTime = (int)time.GetUtcNow().ToUnixTimeSeconds();
            var answer = TlBuffer.Build((ref TlWriter writer) =>
            {
                writer.WriteUInt32(HandshakeMessages.ServerDhInnerDataId);
                writer.WriteRaw(state.Nonce);
                writer.WriteRaw(state.ServerNonce);
                writer.WriteInt32(Generator);
                writer.WriteBytes(DhGroup.KnownPrime.ToByteArray(isUnsigned: true, isBigEndian: true));
                writer.WriteBytes(gA.ToByteArray(isUnsigned: true, isBigEndian: true));
                writer.WriteInt32(serverTime);
            }, 600);
            var (aesKey, aesIv) = TemporaryAesKey(state);
            var encryptedAnswer = HandshakeCipher.Encrypt(aesKey, aesIv, answer, random);
            state.DhParamsRequest = body.ToArray();
            state.DhParamsResponse = TlBuffer.Build((ref TlWriter writer) =>
            {
                writer.WriteUInt32(HandshakeMessages.ServerDhParamsOkId);
                writer.WriteRaw(state.Nonce);
                writer.WriteRaw(state.ServerNonce);
                writer.WriteBytes(encryptedAnswer);
            }, encryptedAnswer.Length + 48);
            return new HandshakeReply(state.DhParamsResponse, null);
        }
    }

    private HandshakeReply HandleSetClientDhParams(ReadOnlySpan<byte> body, ref TlReader reader)
    {
        if (!TryGetState(ref reader, out var state, out var failure))
        {
            return HandshakeReply.Fail(failure);
        }

        var encrypted = reader.ReadBytesSpan();
        lock (state)
        {
            if (state.ClientDhRequest is not null && body.SequenceEqual(state.ClientDhRequest))
            {
                return new HandshakeReply(state.ClientDhResponse, null);
            }

            if (state.NewNonce.Length == 0 || state.DhSecret is not { } secret)
            {
                return HandshakeReply.Fail("set_client_DH_params before req_DH_params");
            }

            var (aesKey, aesIv) = TemporaryAesKey(state);
            byte[] innerData;
            try
            {
                innerData = HandshakeCipher.Decrypt(aesKey, aesIv, encrypted);
            }
            catch (MTProtoSecurityException ex)
            {
                return HandshakeReply.Fail("client DH data: " + ex.Message);
            }

            var inner = new TlReader(innerData);
            if (inner.ReadUInt32() != HandshakeMessages.ClientDhInnerDataId)
            {
                return HandshakeReply.Fail("expected client_DH_inner_data");
            }

            if (!inner.ReadRaw(NonceSize).SequenceEqual(state.Nonce) || !inner.ReadRaw(NonceSize).SequenceEqual(state.ServerNonce))
            {
                return HandshakeReply.Fail("client_DH_inner_data carries other nonces");
            }

            var retryId = inner.ReadInt64();
            var gB = BigEndian.ToBigInteger(inner.ReadBytesSpan());
            AuthKeyState? created = null;
            byte[] response;
            var authKey = AuthKey.FromBytes(DhExchange.ComputeAuthKey(gB, secret, DhGroup.KnownPrime));
            if (!IsSafePublicValue(gB) || retryId != state.ExpectedRetryId)
            {
                response = DhGenAnswer(state, HandshakeMessages.DhGenFailId, 3, authKey);
            }
            else if (forceRetry() || !TryRegister(state, authKey, out created))
            {
                // The client retries with retry_id = this key's aux_hash and a new g_b.
                state.ExpectedRetryId = authKey.AuxHash;
                response = DhGenAnswer(state, HandshakeMessages.DhGenRetryId, 2, authKey);
            }
            else
            {
                response = DhGenAnswer(state, HandshakeMessages.DhGenOkId, 1, authKey);
            }

            state.ClientDhRequest = body.ToArray();
            state.ClientDhResponse = response;
            return new HandshakeReply(response, null, created);
        }
    }

    private static bool IsSafePublicValue(BigInteger value)
    {
        try
        {
            DhExchange.ValidatePublicValue(value, DhGroup.KnownPrime);
            return true;
        }
        catch (MTProtoSecurityException)
        {
            return false;
        }
    }

    private bool TryRegister(HandshakeState state, AuthKey authKey, out AuthKeyState? created)
    {
        var salts = new SaltSchedule(time, options.SaltLifetime, options.SaltGracePeriod);
        salts.Seed(AuthKeyDerivation.ComputeFirstSalt(state.NewNonce, state.ServerNonce));
        DateTimeOffset? expiresAt = state.TemporaryKeyLifetime is { } seconds ? time.GetUtcNow().AddSeconds(seconds) : null;
        created = new AuthKeyState(authKey, salts, expiresAt);
        if (registry.TryAdd(created))
        {
            return true;
        }

        created = null;
        return false;
    }

    private static byte[] DhGenAnswer(HandshakeState state, uint constructor, byte number, AuthKey authKey)
    {
        var hash = new byte[16];
        AuthKeyDerivation.ComputeNewNonceHash(state.NewNonce, number, authKey.Key, hash);
        return TlBuffer.Build((ref TlWriter writer) =>
        {
            writer.WriteUInt32(constructor);
            writer.WriteRaw(state.Nonce);
            writer.WriteRaw(state.ServerNonce);
            writer.WriteRaw(hash);
        }, 64);
    }

    private static (byte[] Key, byte[] Iv) TemporaryAesKey(HandshakeState state)
    {
        var key = new byte[32];
        var iv = new byte[32];
        AuthKeyDerivation.DeriveTempAesKeyIv(state.NewNonce, state.ServerNonce, key, iv);
        return (key, iv);
    }

    private bool TryGetState(ref TlReader reader, out HandshakeState state, out string failure)
    {
        var nonce = reader.ReadRaw(NonceSize);
        var serverNonce = reader.ReadRaw(NonceSize);
        if (!_states.TryGetValue(BinaryPrimitives.ReadUInt128LittleEndian(nonce), out state!))
        {
            failure = "unknown nonce (no req_pq for it, or it expired)";
            return false;
        }

        if (!serverNonce.SequenceEqual(state.ServerNonce))
        {
            failure = "server_nonce does not match";
            return false;
        }

        failure = string.Empty;
        return true;
    }

    private static bool TryDecryptInnerData(RsaPrivateKey rsaKey, ReadOnlySpan<byte> encrypted, out InnerData inner, out string failure)
    {
        inner = default;
        byte[] data;
        try
        {
            // RSA_PAD (our client, mtcute) or the legacy SHA1(data) ‖ data ‖ random (GramJS's RSA.encrypt, Telethon 1.25).
            data = rsaKey.DecryptInnerData(encrypted, out _);
        }
        catch (MTProtoSecurityException ex)
        {
            failure = ex.Message;
            return false;
        }

        if (!TryParseInnerData(data, out inner))
        {
            failure = "p_q_inner_data is malformed";
            return false;
        }

        failure = string.Empty;
        return true;
    }

    private static bool TryParseInnerData(ReadOnlySpan<byte> data, out InnerData inner)
    {
        inner = default;
        try
        {
            var reader = new TlReader(data);
            var constructor = reader.ReadUInt32();
            if (constructor is not (HandshakeMessages.PQInnerDataId or HandshakeMessages.PQInnerDataDcId or HandshakeMessages.PQInnerDataTempId or HandshakeMessages.PQInnerDataTempDcId))
            {
                return false;
            }

            var pq = BigEndian.ToBigInteger(reader.ReadBytesSpan());
            var p = BigEndian.ToBigInteger(reader.ReadBytesSpan());
            var q = BigEndian.ToBigInteger(reader.ReadBytesSpan());
            var nonce = reader.ReadRaw(NonceSize).ToArray();
            var serverNonce = reader.ReadRaw(NonceSize).ToArray();
            var newNonce = reader.ReadRaw(AuthKeyDerivation.NewNonceSize).ToArray();
            // Any dc value is accepted (negative for media DCs, +10000 for test DCs).
            int? dc = constructor is HandshakeMessages.PQInnerDataDcId or HandshakeMessages.PQInnerDataTempDcId ? reader.ReadInt32() : null;
            int? expiresIn = constructor is HandshakeMessages.PQInnerDataTempId or HandshakeMessages.PQInnerDataTempDcId ? reader.ReadInt32() : null;
            inner = new InnerData(pq, p, q, nonce, serverNonce, newNonce, dc, expiresIn);
            return true;
        }
        catch (TlDeserializationException)
        {
            return false;
        }
    }

    private static bool CheckInnerData(HandshakeState state, InnerData inner, out string failure)
    {
        failure = inner switch
        {
            _ when inner.Pq != state.P * state.Q || inner.P != state.P || inner.Q != state.Q => "p_q_inner_data carries other pq, p or q",
            _ when !inner.Nonce.AsSpan().SequenceEqual(state.Nonce) || !inner.ServerNonce.AsSpan().SequenceEqual(state.ServerNonce) => "p_q_inner_data carries other nonces",
            { ExpiresIn: <= 0 } => "temporary key with a non-positive expires_in",
            _ => string.Empty,
        };
        return failure.Length == 0;
    }

    private void ForgetExpiredStates()
    {
        var cutoff = time.GetUtcNow() - StateLifetime;
        foreach (var (key, state) in _states)
        {
            if (state.CreatedAt < cutoff)
            {
                _states.TryRemove(key, out _);
            }
        }
    }

    private readonly record struct InnerData(BigInteger Pq, BigInteger P, BigInteger Q, byte[] Nonce, byte[] ServerNonce, byte[] NewNonce, int? Dc, int? ExpiresIn);

    /// <summary>One client's exchange in progress, keyed by its nonce. Locked while a step runs.</summary>
    private sealed class HandshakeState(byte[] nonce, byte[] serverNonce, ulong p, ulong q, DateTimeOffset createdAt)
    {
        public byte[] Nonce { get; } = nonce;
        public byte[] ServerNonce { get; } = serverNonce;
        public BigInteger P { get; } = p;
        public BigInteger Q { get; } = q;
        public DateTimeOffset CreatedAt { get; } = createdAt;
        public byte[] ResPq { get; set; } = [];
        public byte[] NewNonce { get; set; } = [];
        public int? TemporaryKeyLifetime { get; set; }
        public BigInteger? DhSecret { get; set; }
        public long ExpectedRetryId { get; set; }
        public byte[]? DhParamsRequest { get; set; }
        public byte[]? DhParamsResponse { get; set; }
        public byte[]? ClientDhRequest { get; set; }
        public byte[]? ClientDhResponse { get; set; }
    }
}
