using System.Security.Cryptography;
using Channel.MTProto.Emulator.Interim;

namespace Channel.MTProto.Emulator.Sessions;

/// <summary>Builds the service messages the server sends (/mtproto/service_messages*).</summary>
internal static class ServiceMessages
{
    public static OutgoingMessage NewSessionCreated(long firstMsgId, long serverSalt)
    {
        var body = new TlWriter(28)
            .WriteUInt32(ServiceIds.NewSessionCreated)
            .WriteInt64(firstMsgId)
            .WriteInt64(BitConverter.ToInt64(RandomNumberGenerator.GetBytes(8)))
            .WriteInt64(serverSalt)
            .ToArray();
        return new OutgoingMessage(body, ContentRelated: true, IsResponse: false);
    }

    public static OutgoingMessage BadMsgNotification(long badMsgId, int badSeqNo, int code) => new(
        new TlWriter(20).WriteUInt32(ServiceIds.BadMsgNotification).WriteInt64(badMsgId).WriteInt32(badSeqNo).WriteInt32(code).ToArray(),
        ContentRelated: true,
        IsResponse: true);

    public static OutgoingMessage BadServerSalt(long badMsgId, int badSeqNo, long newSalt) => new(
        new TlWriter(28).WriteUInt32(ServiceIds.BadServerSalt).WriteInt64(badMsgId).WriteInt32(badSeqNo)
            .WriteInt32(BadMsgCodes.BadServerSalt).WriteInt64(newSalt).ToArray(),
        ContentRelated: true,
        IsResponse: true);

    public static OutgoingMessage Pong(long msgId, long pingId) => new(
        new TlWriter(20).WriteUInt32(ServiceIds.Pong).WriteInt64(msgId).WriteInt64(pingId).ToArray(),
        ContentRelated: true,
        IsResponse: true);

    public static OutgoingMessage MsgsAck(IReadOnlyCollection<long> msgIds)
    {
        var writer = new TlWriter(12 + (8 * msgIds.Count)).WriteUInt32(ServiceIds.MsgsAck).WriteVectorHeader(msgIds.Count);
        foreach (var id in msgIds)
        {
            writer.WriteInt64(id);
        }

        return new OutgoingMessage(writer.ToArray(), ContentRelated: false, IsResponse: false);
    }

    /// <summary>future_salts: <c>salts</c> is a bare vector of bare future_salt (no constructor ids).</summary>
    public static OutgoingMessage FutureSalts(long reqMsgId, int now, IReadOnlyList<FutureSalt> salts)
    {
        var writer = new TlWriter(20 + (16 * salts.Count))
            .WriteUInt32(ServiceIds.FutureSalts)
            .WriteInt64(reqMsgId)
            .WriteInt32(now)
            .WriteInt32(salts.Count);
        foreach (var salt in salts)
        {
            writer.WriteInt32(salt.ValidSince).WriteInt32(salt.ValidUntil).WriteInt64(salt.Salt);
        }

        return new OutgoingMessage(writer.ToArray(), ContentRelated: true, IsResponse: true);
    }

    public static OutgoingMessage DestroySessionResult(long sessionId, bool destroyed) => new(
        new TlWriter(12).WriteUInt32(destroyed ? ServiceIds.DestroySessionOk : ServiceIds.DestroySessionNone).WriteInt64(sessionId).ToArray(),
        ContentRelated: true,
        IsResponse: true);

    public static OutgoingMessage MsgsStateInfo(long reqMsgId, ReadOnlySpan<byte> info) => new(
        new TlWriter(16 + info.Length).WriteUInt32(ServiceIds.MsgsStateInfo).WriteInt64(reqMsgId).WriteBytes(info).ToArray(),
        ContentRelated: true,
        IsResponse: true);

    /// <summary>rpc_result wrapping a result (gzip_packed above the threshold) or an rpc_error.</summary>
    public static OutgoingMessage RpcResult(long reqMsgId, Rpc.RpcAnswer answer, int gzipThreshold)
    {
        var writer = new TlWriter(64 + (answer.Result?.Length ?? 0)).WriteUInt32(ServiceIds.RpcResult).WriteInt64(reqMsgId);
        if (answer.Result is not { } result)
        {
            writer.WriteUInt32(ServiceIds.RpcError).WriteInt32(answer.ErrorCode).WriteString(answer.ErrorMessage ?? string.Empty);
        }
        else if (result.Length > gzipThreshold)
        {
            writer.WriteUInt32(ServiceIds.GzipPacked).WriteBytes(Gzip.Pack(result));
        }
        else
        {
            writer.WriteRaw(result);
        }

        return new OutgoingMessage(writer.ToArray(), ContentRelated: true, IsResponse: true);
    }

    /// <summary>rpc_drop_answer for a request the emulator no longer tracks.</summary>
    public static OutgoingMessage RpcAnswerUnknown(long reqMsgId) => new(
        new TlWriter(16).WriteUInt32(ServiceIds.RpcResult).WriteInt64(reqMsgId).WriteUInt32(ServiceIds.RpcAnswerUnknown).ToArray(),
        ContentRelated: true,
        IsResponse: true);
}
