using System.Security.Cryptography;
using Channel.MTProto.Emulator.Rpc;
using Channel.MTProto.Emulator.Wire;
using Channel.MTProto.Tl;
using Channel.MTProto.Tl.Mt;

namespace Channel.MTProto.Emulator.Sessions;

/// <summary>Builds the service messages the server sends (/mtproto/service_messages*).</summary>
internal static class ServiceMessages
{
    public static OutgoingMessage NewSessionCreated(long firstMsgId, long serverSalt) => Content(new NewSessionCreated
    {
        FirstMsgId = firstMsgId,
        UniqueId = BitConverter.ToInt64(RandomNumberGenerator.GetBytes(8)),
        ServerSalt = serverSalt,
    }, isResponse: false);

    public static OutgoingMessage BadMsgNotification(long badMsgId, int badSeqNo, int code) => Content(new BadMsgNotification
    {
        BadMsgId = badMsgId,
        BadMsgSeqno = badSeqNo,
        ErrorCode = code,
    });

    public static OutgoingMessage BadServerSalt(long badMsgId, int badSeqNo, long newSalt) => Content(new BadServerSalt
    {
        BadMsgId = badMsgId,
        BadMsgSeqno = badSeqNo,
        ErrorCode = BadMsgCodes.BadServerSalt,
        NewServerSalt = newSalt,
    });

    public static OutgoingMessage Pong(long msgId, long pingId) => Content(new Pong { MsgId = msgId, PingId = pingId });

    public static OutgoingMessage MsgsAck(IReadOnlyList<long> msgIds)
        => new(TlSerializer.ToArray(new MsgsAck { MsgIds = msgIds }), ContentRelated: false, IsResponse: false);

    public static OutgoingMessage FutureSalts(long reqMsgId, int now, IEnumerable<Sessions.FutureSalt> salts) => Content(new FutureSalts
    {
        ReqMsgId = reqMsgId,
        Now = now,
        Salts = salts.Select(s => new Tl.Mt.FutureSalt { ValidSince = s.ValidSince, ValidUntil = s.ValidUntil, Salt = s.Salt }).ToArray(),
    });

    public static OutgoingMessage DestroySessionResult(long sessionId, bool destroyed)
        => Content(destroyed ? new DestroySessionOk { SessionId = sessionId } : new DestroySessionNone { SessionId = sessionId });

    /// <summary>msgs_state_info; the states are all below 0x80, so the schema's <c>string</c> carries them intact.</summary>
    public static OutgoingMessage MsgsStateInfo(long reqMsgId, string info) => Content(new MsgsStateInfo { ReqMsgId = reqMsgId, Info = info });

    /// <summary>rpc_result wrapping a serialized result (gzip_packed above the threshold) or an rpc_error.</summary>
    public static OutgoingMessage RpcResult(long reqMsgId, RpcAnswer answer, int gzipThreshold)
    {
        var body = TlBuffer.Build((ref TlWriter writer) =>
        {
            writer.WriteUInt32(TlServiceMessages.RpcResultId);
            writer.WriteInt64(reqMsgId);
            if (answer.Result is not { } result)
            {
                new RpcError { ErrorCode = answer.ErrorCode, ErrorMessage = answer.ErrorMessage ?? string.Empty }.Write(ref writer);
            }
            else if (result.Length > gzipThreshold && !answer.Uncompressed)
            {
                TlServiceMessages.WriteGzipPacked(ref writer, result);
            }
            else
            {
                writer.WriteRaw(result);
            }
        }, 64 + (answer.Result?.Length ?? 0));
        return new OutgoingMessage(body, ContentRelated: true, IsResponse: true);
    }

    /// <summary>rpc_drop_answer for a request the emulator no longer tracks.</summary>
    public static OutgoingMessage RpcAnswerUnknown(long reqMsgId) => new(
        TlBuffer.Build((ref TlWriter writer) =>
        {
            writer.WriteUInt32(TlServiceMessages.RpcResultId);
            writer.WriteInt64(reqMsgId);
            new RpcAnswerUnknown().Write(ref writer);
        }),
        ContentRelated: true,
        IsResponse: true);

    private static OutgoingMessage Content(ITlObject message, bool isResponse = true)
        => new(TlSerializer.ToArray(message), ContentRelated: true, IsResponse: isResponse);
}
