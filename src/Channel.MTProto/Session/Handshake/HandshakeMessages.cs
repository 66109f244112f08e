using System.Buffers;
using Channel.MTProto.Crypto;
using Channel.MTProto.Tl;
using Mt = Channel.MTProto.Tl.Mt;

namespace Channel.MTProto.Session.Handshake;

/// <summary>
/// The TL objects of the auth-key exchange (mtproto.tl), framed by hand over <see cref="TlWriter"/> /
/// <see cref="TlReader"/>.
/// </summary>
/// <remarks>
/// Why not the generated Mt.* classes: mtproto.tl declares pq, p, q, encrypted_data, dh_prime, g_a and g_b as TL
/// <c>string</c>, which the generator maps to a UTF-8 C# string; these fields are binary, so they must travel as
/// raw bytes. The wire format of <c>string</c> and <c>bytes</c> is identical, so reading and writing them with
/// <see cref="TlReader.ReadBytesSpan"/> / <see cref="TlWriter.WriteBytes"/> is exact.
/// </remarks>
internal static class HandshakeMessages
{
    // The ids come from the generated schema; only the framing of these messages is ours.
    public const uint ReqPqId = Mt.ReqPq.TlConstructorId;
    public const uint ReqPqMultiId = Mt.ReqPqMulti.TlConstructorId;
    public const uint ResPqId = Mt.ResPQ.TlConstructorId;
    public const uint PQInnerDataId = Mt.PQInnerData.TlConstructorId;
    public const uint PQInnerDataDcId = Mt.PQInnerDataDc.TlConstructorId;
    public const uint PQInnerDataTempId = Mt.PQInnerDataTemp.TlConstructorId;
    public const uint PQInnerDataTempDcId = Mt.PQInnerDataTempDc.TlConstructorId;
    public const uint ReqDhParamsId = Mt.ReqDHParams.TlConstructorId;
    public const uint ServerDhParamsOkId = Mt.ServerDHParamsOk.TlConstructorId;
    public const uint ServerDhParamsFailId = Mt.ServerDHParamsFail.TlConstructorId;
    public const uint ServerDhInnerDataId = Mt.ServerDHInnerData.TlConstructorId;
    public const uint ClientDhInnerDataId = Mt.ClientDHInnerData.TlConstructorId;
    public const uint SetClientDhParamsId = Mt.SetClientDHParams.TlConstructorId;
    public const uint DhGenOkId = Mt.DhGenOk.TlConstructorId;
    public const uint DhGenRetryId = Mt.DhGenRetry.TlConstructorId;
    public const uint DhGenFailId = Mt.DhGenFail.TlConstructorId;

    /// <summary>resPQ lists a handful of fingerprints; a longer list is hostile.</summary>
    private const int MaxFingerprints = 64;

    public static byte[] WriteReqPqMulti(ReadOnlySpan<byte> nonce)
    {
        var output = new ArrayBufferWriter<byte>(20);
        var w = new TlWriter(output);
        w.WriteUInt32(ReqPqMultiId);
        w.WriteRaw(nonce);
        w.Flush();
        return output.WrittenSpan.ToArray();
    }

    public static ResPq ReadResPq(ReadOnlySpan<byte> body)
    {
        var reader = new TlReader(body);
        Expect(ref reader, ResPqId);
        var nonce = reader.ReadRaw(AuthKeyDerivation.NonceSize).ToArray();
        var serverNonce = reader.ReadRaw(AuthKeyDerivation.NonceSize).ToArray();
        var pq = reader.ReadBytesSpan().ToArray();
        Expect(ref reader, TlServiceMessages.VectorId);
        var count = reader.ReadCount(sizeof(long));
        if (count > MaxFingerprints)
        {
            throw new TlDeserializationException($"resPQ with {count} fingerprints", reader.Position, ResPqId);
        }

        var fingerprints = new long[count];
        for (var i = 0; i < count; i++)
        {
            fingerprints[i] = reader.ReadInt64();
        }

        return new ResPq(nonce, serverNonce, pq, fingerprints);
    }

    public static byte[] WritePQInnerDataDc(in PQInnerData data)
    {
        var output = new ArrayBufferWriter<byte>(128);
        var w = new TlWriter(output);
        w.WriteUInt32(PQInnerDataDcId);
        w.WriteBytes(data.Pq);
        w.WriteBytes(data.P);
        w.WriteBytes(data.Q);
        w.WriteRaw(data.Nonce);
        w.WriteRaw(data.ServerNonce);
        w.WriteRaw(data.NewNonce);
        w.WriteInt32(data.DcId);
        w.Flush();
        return output.WrittenSpan.ToArray();
    }

    public static byte[] WriteReqDhParams(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> serverNonce, ReadOnlySpan<byte> p, ReadOnlySpan<byte> q, long fingerprint, ReadOnlySpan<byte> encryptedData)
    {
        var output = new ArrayBufferWriter<byte>(340);
        var w = new TlWriter(output);
        w.WriteUInt32(ReqDhParamsId);
        w.WriteRaw(nonce);
        w.WriteRaw(serverNonce);
        w.WriteBytes(p);
        w.WriteBytes(q);
        w.WriteInt64(fingerprint);
        w.WriteBytes(encryptedData);
        w.Flush();
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Reads server_DH_params_ok and returns encrypted_answer; server_DH_params_fail is a security failure.</summary>
    public static byte[] ReadServerDhParams(ReadOnlySpan<byte> body, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> serverNonce)
    {
        var reader = new TlReader(body);
        var id = reader.ReadUInt32();
        if (id is not (ServerDhParamsOkId or ServerDhParamsFailId))
        {
            throw reader.UnexpectedConstructor(id, "Server_DH_Params");
        }

        ExpectNonces(ref reader, nonce, serverNonce);
        if (id == ServerDhParamsFailId)
        {
            throw new MTProtoSecurityException("The server refused req_DH_params (server_DH_params_fail).");
        }

        return reader.ReadBytesSpan().ToArray();
    }

    public static ServerDhInnerData ReadServerDhInnerData(ReadOnlySpan<byte> body, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> serverNonce)
    {
        var reader = new TlReader(body);
        Expect(ref reader, ServerDhInnerDataId);
        ExpectNonces(ref reader, nonce, serverNonce);
        var g = reader.ReadInt32();
        var dhPrime = reader.ReadBytesSpan().ToArray();
        var ga = reader.ReadBytesSpan().ToArray();
        var serverTime = reader.ReadInt32();
        return new ServerDhInnerData(g, dhPrime, ga, serverTime);
    }

    public static byte[] WriteClientDhInnerData(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> serverNonce, long retryId, ReadOnlySpan<byte> gb)
    {
        var output = new ArrayBufferWriter<byte>(320);
        var w = new TlWriter(output);
        w.WriteUInt32(ClientDhInnerDataId);
        w.WriteRaw(nonce);
        w.WriteRaw(serverNonce);
        w.WriteInt64(retryId);
        w.WriteBytes(gb);
        w.Flush();
        return output.WrittenSpan.ToArray();
    }

    public static byte[] WriteSetClientDhParams(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> serverNonce, ReadOnlySpan<byte> encryptedData)
    {
        var output = new ArrayBufferWriter<byte>(400);
        var w = new TlWriter(output);
        w.WriteUInt32(SetClientDhParamsId);
        w.WriteRaw(nonce);
        w.WriteRaw(serverNonce);
        w.WriteBytes(encryptedData);
        w.Flush();
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Reads dh_gen_ok / dh_gen_retry / dh_gen_fail: which one (1, 2, 3) and its new_nonce_hashN.</summary>
    public static (byte Number, byte[] NewNonceHash) ReadDhGenAnswer(ReadOnlySpan<byte> body, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> serverNonce)
    {
        var reader = new TlReader(body);
        var id = reader.ReadUInt32();
        byte number = id switch
        {
            DhGenOkId => 1,
            DhGenRetryId => 2,
            DhGenFailId => 3,
            _ => throw reader.UnexpectedConstructor(id, "Set_client_DH_params_answer"),
        };
        ExpectNonces(ref reader, nonce, serverNonce);
        return (number, reader.ReadRaw(16).ToArray());
    }

    private static void Expect(ref TlReader reader, uint constructorId)
    {
        var id = reader.ReadUInt32();
        if (id != constructorId)
        {
            throw reader.UnexpectedConstructor(id, $"0x{constructorId:x8}");
        }
    }

    private static void ExpectNonces(ref TlReader reader, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> serverNonce)
    {
        if (!reader.ReadRaw(AuthKeyDerivation.NonceSize).SequenceEqual(nonce) ||
            !reader.ReadRaw(AuthKeyDerivation.NonceSize).SequenceEqual(serverNonce))
        {
            throw new MTProtoSecurityException("The server's answer carries other nonces than this exchange.");
        }
    }
}

internal sealed record ResPq(byte[] Nonce, byte[] ServerNonce, byte[] Pq, long[] Fingerprints);

internal readonly record struct PQInnerData(byte[] Pq, byte[] P, byte[] Q, byte[] Nonce, byte[] ServerNonce, byte[] NewNonce, int DcId);

internal sealed record ServerDhInnerData(int G, byte[] DhPrime, byte[] GA, int ServerTime);
