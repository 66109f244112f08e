using Channel.MTProto.Tl;
using Channel.MTProto.Tl.Mt;

namespace Channel.MTProto.Emulator.Sessions;

/// <summary>Constructor ids of the MTProto service messages the emulator reads (from the generated schema).</summary>
internal static class ServiceIds
{
    public const uint MsgContainer = TlServiceMessages.MsgContainerId;
    public const uint GzipPacked = TlServiceMessages.GzipPackedId;
    public const uint MsgsAck = Tl.Mt.MsgsAck.TlConstructorId;
    public const uint Ping = Tl.Mt.Ping.TlConstructorId;
    public const uint PingDelayDisconnect = Tl.Mt.PingDelayDisconnect.TlConstructorId;
    public const uint GetFutureSalts = Tl.Mt.GetFutureSalts.TlConstructorId;
    public const uint DestroySession = Tl.Mt.DestroySession.TlConstructorId;
    public const uint MsgsStateReq = Tl.Mt.MsgsStateReq.TlConstructorId;
    public const uint MsgResendReq = Tl.Mt.MsgResendReq.TlConstructorId;
    public const uint RpcDropAnswer = Tl.Mt.RpcDropAnswer.TlConstructorId;
    public const uint HttpWait = Tl.Mt.HttpWait.TlConstructorId;
    public const uint DestroyAuthKey = Tl.Mt.DestroyAuthKey.TlConstructorId;
}

/// <summary>bad_msg_notification error codes (/mtproto/service_messages_about_messages).</summary>
internal static class BadMsgCodes
{
    public const int MsgIdTooLow = 16;
    public const int MsgIdTooHigh = 17;
    public const int MsgIdBadLowBits = 18;
    public const int SeqNoTooLow = 32;
    public const int SeqNoTooHigh = 33;
    public const int EvenSeqNoExpected = 34;
    public const int OddSeqNoExpected = 35;
    public const int BadServerSalt = 48;
    public const int InvalidContainer = 64;
}
