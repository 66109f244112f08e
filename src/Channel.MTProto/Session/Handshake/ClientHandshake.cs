using System.Buffers.Binary;
using System.Numerics;
using Channel.MTProto.Crypto;

namespace Channel.MTProto.Session.Handshake;

/// <summary>Sends one unencrypted request body and returns the body of the server's unencrypted answer.</summary>
internal delegate ValueTask<byte[]> PlainExchange(byte[] requestBody, CancellationToken cancellationToken);

/// <summary>What a completed auth-key exchange yields.</summary>
/// <param name="ClockOffset">server_time − local time when server_DH_inner_data arrived.</param>
internal sealed record HandshakeResult(AuthKey AuthKey, long ServerSalt, TimeSpan ClockOffset);

/// <summary>
/// The client side of the auth-key exchange (/mtproto/auth_key): req_pq_multi → resPQ; factor pq;
/// p_q_inner_data_dc encrypted with RSA_PAD under a key the server listed → req_DH_params; decrypt and check
/// server_DH_inner_data (nonces, SHA1, safe prime, g, g_a range); set_client_DH_params with g_b → dh_gen_ok, or
/// dh_gen_retry (new b, retry_id = aux_hash of the rejected key), or dh_gen_fail.
/// </summary>
/// <remarks>
/// Transport-agnostic (the caller provides <see cref="PlainExchange"/>) and every random value — nonce,
/// new_nonce, RSA_PAD's temp key and padding, b, the inner-data padding — comes from the injected
/// <see cref="IRandomSource"/>, in that order, so a test can replay the spec's sample. Any failed check raises
/// <see cref="MTProtoSecurityException"/>; a malformed answer raises the TL reader's exception.
/// </remarks>
internal sealed class ClientHandshake(IReadOnlyList<RsaPublicKey> serverKeys, int dcId, IRandomSource random, TimeProvider timeProvider)
{
    /// <summary>dh_gen_retry more often than this is not a server we want to talk to.</summary>
    private const int MaxDhAttempts = 5;

    public async Task<HandshakeResult> RunAsync(PlainExchange exchange, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        var nonce = RandomBytes(AuthKeyDerivation.NonceSize);
        var resPq = HandshakeMessages.ReadResPq(await exchange(HandshakeMessages.WriteReqPqMulti(nonce), cancellationToken));
        if (!resPq.Nonce.AsSpan().SequenceEqual(nonce))
        {
            throw new MTProtoSecurityException("resPQ answers another nonce.");
        }

        var serverNonce = resPq.ServerNonce;
        var key = serverKeys.FirstOrDefault(k => resPq.Fingerprints.Contains(k.Fingerprint))
            ?? throw new MTProtoSecurityException("The server offers no RSA key this client trusts.");
        var (p, q) = Factorize(resPq.Pq);
        var newNonce = RandomBytes(AuthKeyDerivation.NewNonceSize);
        var innerData = HandshakeMessages.WritePQInnerDataDc(new PQInnerData(resPq.Pq, p, q, nonce, serverNonce, newNonce, dcId));
        var encryptedInner = RsaPad.Encrypt(innerData, key, random);

        var dhParams = await exchange(HandshakeMessages.WriteReqDhParams(nonce, serverNonce, p, q, key.Fingerprint, encryptedInner), cancellationToken);
        var encryptedAnswer = HandshakeMessages.ReadServerDhParams(dhParams, nonce, serverNonce);

        var tmpAesKey = new byte[32];
        var tmpAesIv = new byte[32];
        AuthKeyDerivation.DeriveTempAesKeyIv(newNonce, serverNonce, tmpAesKey, tmpAesIv);
        var answer = HandshakeMessages.ReadServerDhInnerData(HandshakeCipher.Decrypt(tmpAesKey, tmpAesIv, encryptedAnswer), nonce, serverNonce);
        var clockOffset = DateTimeOffset.FromUnixTimeSeconds(answer.ServerTime) - timeProvider.GetUtcNow();

        var prime = BigEndian.ToBigInteger(answer.DhPrime);
        DhGroup.Validate(prime, answer.G);
        var ga = BigEndian.ToBigInteger(answer.GA);
        DhExchange.ValidatePublicValue(ga, prime);

        var retryId = 0L;
        var expected = new byte[16];
        for (var attempt = 0; attempt < MaxDhAttempts; attempt++)
        {
            var (b, gb) = DhExchange.GenerateKeyPair(answer.G, prime, random);
            var authKey = DhExchange.ComputeAuthKey(ga, b, prime);
            var clientInner = HandshakeMessages.WriteClientDhInnerData(nonce, serverNonce, retryId, BigEndian.ToBytes(gb, DhGroup.PrimeBytes));
            var encryptedClientInner = HandshakeCipher.Encrypt(tmpAesKey, tmpAesIv, clientInner, random);
            var reply = await exchange(HandshakeMessages.WriteSetClientDhParams(nonce, serverNonce, encryptedClientInner), cancellationToken);

            var (number, newNonceHash) = HandshakeMessages.ReadDhGenAnswer(reply, nonce, serverNonce);
            AuthKeyDerivation.ComputeNewNonceHash(newNonce, number, authKey, expected);
            if (!expected.SequenceEqual(newNonceHash))
            {
                throw new MTProtoSecurityException($"new_nonce_hash{number} does not match the computed key.");
            }

            switch (number)
            {
                case 1:
                    return new HandshakeResult(AuthKey.FromBytes(authKey), AuthKeyDerivation.ComputeFirstSalt(newNonce, serverNonce), clockOffset);
                case 2:
                    retryId = AuthKeyDerivation.ComputeAuxHash(authKey);
                    continue;
                default:
                    throw new MTProtoSecurityException("The server refused the Diffie–Hellman parameters (dh_gen_fail).");
            }
        }

        throw new MTProtoSecurityException("The server asked for a Diffie–Hellman retry too many times.");
    }

    private byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        random.Fill(bytes);
        return bytes;
    }

    /// <summary>pq is a big-endian number below 2^63; p and q go back as minimal big-endian bytes, p &lt; q.</summary>
    private static (byte[] P, byte[] Q) Factorize(byte[] pqBytes)
    {
        if (pqBytes.Length is 0 or > 8)
        {
            throw new MTProtoSecurityException("resPQ carries a pq that is not a 64-bit number.");
        }

        Span<byte> padded = stackalloc byte[8];
        pqBytes.CopyTo(padded[(8 - pqBytes.Length)..]);
        var pq = BinaryPrimitives.ReadUInt64BigEndian(padded);
        var (p, q) = PqFactorizer.Factorize(pq);
        return (MinimalBigEndian(p), MinimalBigEndian(q));
    }

    private static byte[] MinimalBigEndian(ulong value) =>
        new BigInteger(value).ToByteArray(isUnsigned: true, isBigEndian: true);
}
