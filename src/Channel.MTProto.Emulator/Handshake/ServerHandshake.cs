using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Numerics;
using System.Security.Cryptography;
using Channel.MTProto.Emulator.Interim;
using Channel.MTProto.Emulator.Sessions;

namespace Channel.MTProto.Emulator.Handshake;

/// <summary>What the server answers an unencrypted handshake message: a TL body, or a reason to send −404.</summary>
internal readonly record struct HandshakeReply(byte[]? Response, string? Failure)
{
    public static HandshakeReply Fail(string reason) => new(null, reason);
}

/// <summary>
/// The server side of the auth-key exchange (/mtproto/auth_key) for one DC. Accepts the RSA_PAD and the legacy
/// SHA1+data+random encryption and all four p_q_inner_data variants with any dc value; answers with the
/// well-known prime and g = 3. State is kept per client nonce, and an identical resend of a step gets the identical
/// answer. Thread-safe: connections of one DC share it.
/// </summary>
internal sealed class ServerHandshake(
    int dcId,
    EmulatorRsaKey rsaKey,
    AuthKeyRegistry registry,
    TimeProvider time,
    HandshakeRandom random,
    EmulatorOptions options,
    Func<bool> forceRetry)
{
    private static readonly TimeSpan StateLifetime = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<UInt128, HandshakeState> _states = new();

    public int DcId => dcId;

    /// <summary>Handles req_pq, req_pq_multi, req_DH_params or set_client_DH_params.</summary>
    public HandshakeReply Handle(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new TlReader(body);
            return reader.ReadUInt32() switch
            {
                HandshakeIds.ReqPq or HandshakeIds.ReqPqMulti => HandleReqPq(reader.ReadRaw(16)),
                HandshakeIds.ReqDhParams => HandleReqDhParams(body, ref reader),
                HandshakeIds.SetClientDhParams => HandleSetClientDhParams(body, ref reader),
                var other => HandshakeReply.Fail($"unexpected unencrypted constructor 0x{other:x8}"),
            };
        }
        catch (TlDecodeException ex)
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
        var serverNonce = new byte[16];
        random.NextServerNonce(serverNonce);
        var (p, q) = random.NextPrimePair();
        var state = new HandshakeState(nonce.ToArray(), serverNonce, p, q, time.GetUtcNow());
        state.ResPq = new TlWriter(64)
            .WriteUInt32(HandshakeIds.ResPq)
            .WriteRaw(nonce)
            .WriteRaw(serverNonce)
            .WriteBigInteger(new BigInteger(p) * q)
            .WriteVectorHeader(1)
            .WriteInt64(rsaKey.Fingerprint)
            .ToArray();
        return new HandshakeReply(_states.GetOrAdd(key, state).ResPq, null);
    }

    private HandshakeReply HandleReqDhParams(ReadOnlySpan<byte> body, ref TlReader reader)
    {
        if (!TryGetState(ref reader, out var state, out var failure))
        {
            return HandshakeReply.Fail(failure);
        }

        var p = reader.ReadBigInteger();
        var q = reader.ReadBigInteger();
        var fingerprint = reader.ReadInt64();
        var encrypted = reader.ReadBytes();
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

            if (!TryDecryptInnerData(encrypted, out var inner, out failure) || !CheckInnerData(state, inner, out failure))
            {
                return HandshakeReply.Fail(failure);
            }

            state.NewNonce = inner.NewNonce;
            state.TemporaryKeyLifetime = inner.ExpiresIn;
            var a = random.NextDhSecret();
            var gA = BigInteger.ModPow(DhPrime.Generator, a, DhPrime.Value);
            while (!DhPrime.IsSafePublicValue(gA))
            {
                a = random.NextDhSecret();
                gA = BigInteger.ModPow(DhPrime.Generator, a, DhPrime.Value);
            }

            state.DhSecret = a;
            var answer = new TlWriter(600)
                .WriteUInt32(HandshakeIds.ServerDhInnerData)
                .WriteRaw(state.Nonce)
                .WriteRaw(state.ServerNonce)
                .WriteInt32(DhPrime.Generator)
                .WriteBigInteger(DhPrime.Value)
                .WriteBigInteger(gA)
                .WriteInt32((int)time.GetUtcNow().ToUnixTimeSeconds());
            var plainLength = (20 + answer.Length + 15) / 16 * 16;
            var plain = new byte[plainLength];
            SHA1.HashData(answer.WrittenSpan, plain);
            answer.WrittenSpan.CopyTo(plain.AsSpan(20));
            random.Fill(plain.AsSpan(20 + answer.Length));
            var (aesKey, aesIv) = TemporaryAesKey(state.NewNonce, state.ServerNonce);
            var encryptedAnswer = new byte[plainLength];
            AesIge.Encrypt(aesKey, aesIv, plain, encryptedAnswer);
            state.DhParamsRequest = body.ToArray();
            state.DhParamsResponse = new TlWriter(plainLength + 48)
                .WriteUInt32(HandshakeIds.ServerDhParamsOk)
                .WriteRaw(state.Nonce)
                .WriteRaw(state.ServerNonce)
                .WriteBytes(encryptedAnswer)
                .ToArray();
            return new HandshakeReply(state.DhParamsResponse, null);
        }
    }

    private HandshakeReply HandleSetClientDhParams(ReadOnlySpan<byte> body, ref TlReader reader)
    {
        if (!TryGetState(ref reader, out var state, out var failure))
        {
            return HandshakeReply.Fail(failure);
        }

        var encrypted = reader.ReadBytes();
        lock (state)
        {
            if (state.ClientDhRequest is not null && body.SequenceEqual(state.ClientDhRequest))
            {
                return new HandshakeReply(state.ClientDhResponse, null);
            }

            if (state.NewNonce is null || state.DhSecret is not { } a)
            {
                return HandshakeReply.Fail("set_client_DH_params before req_DH_params");
            }

            if (encrypted.Length is 0 || encrypted.Length % 16 != 0)
            {
                return HandshakeReply.Fail("client DH data is not whole AES blocks");
            }

            var (aesKey, aesIv) = TemporaryAesKey(state.NewNonce, state.ServerNonce);
            var plain = new byte[encrypted.Length];
            AesIge.Decrypt(aesKey, aesIv, encrypted, plain);
            var inner = new TlReader(plain.AsSpan(20));
            inner.ExpectConstructor(HandshakeIds.ClientDhInnerData);
            var nonceMatches = inner.ReadRaw(16).SequenceEqual(state.Nonce) & inner.ReadRaw(16).SequenceEqual(state.ServerNonce);
            var retryId = inner.ReadInt64();
            var gB = inner.ReadBigInteger();
            if (!SHA1.HashData(plain.AsSpan(20, inner.Position)).AsSpan().SequenceEqual(plain.AsSpan(0, 20)))
            {
                return HandshakeReply.Fail("client_DH_inner_data hash mismatch (wrong temporary AES key?)");
            }

            if (!nonceMatches)
            {
                return HandshakeReply.Fail("client_DH_inner_data carries another nonce");
            }

            byte[] response;
            if (!DhPrime.IsSafePublicValue(gB) || retryId != state.ExpectedRetryId)
            {
                response = DhGenAnswer(state, HandshakeIds.DhGenFail, 3, auxHash: ComputeAuxHash(gB, a));
            }
            else
            {
                var authKey = ToAuthKeyBytes(BigInteger.ModPow(gB, a, DhPrime.Value));
                Span<byte> keyHash = stackalloc byte[20];
                SHA1.HashData(authKey, keyHash);
                var authKeyId = BinaryPrimitives.ReadInt64LittleEndian(keyHash[12..]);
                var auxHash = keyHash[..8].ToArray();
                if (forceRetry() || !TryRegister(state, authKey, authKeyId))
                {
                    state.ExpectedRetryId = BinaryPrimitives.ReadInt64LittleEndian(auxHash);
                    response = DhGenAnswer(state, HandshakeIds.DhGenRetry, 2, auxHash);
                }
                else
                {
                    response = DhGenAnswer(state, HandshakeIds.DhGenOk, 1, auxHash);
                }
            }

            state.ClientDhRequest = body.ToArray();
            state.ClientDhResponse = response;
            return new HandshakeReply(response, null);
        }
    }

    private bool TryRegister(HandshakeState state, byte[] authKey, long authKeyId)
    {
        var salts = new SaltSchedule(time, options.SaltLifetime, options.SaltGracePeriod);
        salts.Seed(BinaryPrimitives.ReadInt64LittleEndian(state.NewNonce) ^ BinaryPrimitives.ReadInt64LittleEndian(state.ServerNonce));
        DateTimeOffset? expiresAt = state.TemporaryKeyLifetime is { } seconds ? time.GetUtcNow().AddSeconds(seconds) : null;
        return registry.TryAdd(new AuthKeyState(authKey, authKeyId, salts, expiresAt));
    }

    private static byte[] DhGenAnswer(HandshakeState state, uint constructor, byte number, ReadOnlySpan<byte> auxHash)
    {
        // new_nonce_hashN = the low 128 bits of SHA1(new_nonce ‖ N ‖ aux_hash).
        Span<byte> input = stackalloc byte[41];
        state.NewNonce.CopyTo(input);
        input[32] = number;
        auxHash[..8].CopyTo(input[33..]);
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(input, hash);
        return new TlWriter(52)
            .WriteUInt32(constructor)
            .WriteRaw(state.Nonce)
            .WriteRaw(state.ServerNonce)
            .WriteRaw(hash[4..])
            .ToArray();
    }

    /// <summary>dh_gen_fail still carries a hash; when g_b is unusable there is no key, so hash what there is.</summary>
    private static byte[] ComputeAuxHash(BigInteger gB, BigInteger a)
    {
        var value = gB.Sign > 0 ? BigInteger.ModPow(gB, a, DhPrime.Value) : BigInteger.Zero;
        return SHA1.HashData(ToAuthKeyBytes(value))[..8];
    }

    private static byte[] ToAuthKeyBytes(BigInteger value)
    {
        var key = new byte[256];
        var count = value.GetByteCount(isUnsigned: true);
        value.TryWriteBytes(key.AsSpan(256 - count), out _, isUnsigned: true, isBigEndian: true);
        return key;
    }

    /// <summary>tmp_aes_key and tmp_aes_iv from new_nonce and server_nonce (/mtproto/auth_key, step 4).</summary>
    internal static (byte[] Key, byte[] Iv) TemporaryAesKey(ReadOnlySpan<byte> newNonce, ReadOnlySpan<byte> serverNonce)
    {
        var nnSn = SHA1.HashData([.. newNonce, .. serverNonce]);
        var snNn = SHA1.HashData([.. serverNonce, .. newNonce]);
        var nnNn = SHA1.HashData([.. newNonce, .. newNonce]);
        byte[] key = [.. nnSn, .. snNn.AsSpan(0, 12)];
        byte[] iv = [.. snNn.AsSpan(12, 8), .. nnNn, .. newNonce[..4]];
        return (key, iv);
    }

    private bool TryGetState(ref TlReader reader, out HandshakeState state, out string failure)
    {
        var nonce = reader.ReadRaw(16);
        var serverNonce = reader.ReadRaw(16);
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

    private bool TryDecryptInnerData(ReadOnlySpan<byte> encrypted, out InnerData inner, out string failure)
    {
        inner = default;
        var length = rsaKey.ModulusLength;
        Span<byte> decrypted = stackalloc byte[length];
        if (encrypted.Length != length || !rsaKey.TryDecryptRaw(encrypted, decrypted))
        {
            failure = "encrypted_data is not a number below the RSA modulus";
            return false;
        }

        // Legacy (GramJS's RSA.encrypt, Telethon 1.25): SHA1(data) ‖ data ‖ random, 255 bytes, so the top byte is 0.
        if (decrypted[0] == 0 && TryParseInnerData(decrypted[21..], out inner, out var consumed)
            && SHA1.HashData(decrypted.Slice(21, consumed)).AsSpan().SequenceEqual(decrypted.Slice(1, 20)))
        {
            failure = string.Empty;
            return true;
        }

        // RSA_PAD: temp_key_xor ‖ AES-IGE(temp_key, 0)(reverse(data ‖ padding) ‖ SHA256(temp_key ‖ data ‖ padding)).
        Span<byte> tempKey = stackalloc byte[32];
        SHA256.HashData(decrypted[32..256], tempKey);
        for (var i = 0; i < 32; i++)
        {
            tempKey[i] ^= decrypted[i];
        }

        Span<byte> dataWithHash = stackalloc byte[224];
        AesIge.Decrypt(tempKey, stackalloc byte[32], decrypted[32..256], dataWithHash);
        var dataWithPadding = dataWithHash[..192];
        dataWithPadding.Reverse();
        Span<byte> expected = stackalloc byte[32];
        SHA256.HashData([.. tempKey, .. dataWithPadding], expected);
        if (!expected.SequenceEqual(dataWithHash[192..]))
        {
            failure = "RSA-encrypted inner data matches neither RSA_PAD nor the legacy format";
            return false;
        }

        if (!TryParseInnerData(dataWithPadding, out inner, out _))
        {
            failure = "p_q_inner_data is malformed";
            return false;
        }

        failure = string.Empty;
        return true;
    }

    private static bool TryParseInnerData(ReadOnlySpan<byte> data, out InnerData inner, out int consumed)
    {
        inner = default;
        consumed = 0;
        try
        {
            var reader = new TlReader(data);
            var constructor = reader.ReadUInt32();
            if (constructor is not (HandshakeIds.PqInnerData or HandshakeIds.PqInnerDataDc or HandshakeIds.PqInnerDataTemp or HandshakeIds.PqInnerDataTempDc))
            {
                return false;
            }

            var pq = reader.ReadBigInteger();
            var p = reader.ReadBigInteger();
            var q = reader.ReadBigInteger();
            var nonce = reader.ReadRaw(16).ToArray();
            var serverNonce = reader.ReadRaw(16).ToArray();
            var newNonce = reader.ReadRaw(32).ToArray();
            // Any dc value is accepted (negative for media DCs, +10000 for test DCs).
            int? dc = constructor is HandshakeIds.PqInnerDataDc or HandshakeIds.PqInnerDataTempDc ? reader.ReadInt32() : null;
            int? expiresIn = constructor is HandshakeIds.PqInnerDataTemp or HandshakeIds.PqInnerDataTempDc ? reader.ReadInt32() : null;
            inner = new InnerData(pq, p, q, nonce, serverNonce, newNonce, dc, expiresIn);
            consumed = reader.Position;
            return true;
        }
        catch (TlDecodeException)
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
        public byte[]? NewNonce { get; set; }
        public int? TemporaryKeyLifetime { get; set; }
        public BigInteger? DhSecret { get; set; }
        public long ExpectedRetryId { get; set; }
        public byte[]? DhParamsRequest { get; set; }
        public byte[]? DhParamsResponse { get; set; }
        public byte[]? ClientDhRequest { get; set; }
        public byte[]? ClientDhResponse { get; set; }
    }
}
