namespace Channel.MTProto.Emulator.Sessions;

/// <summary>Constructor ids of the MTProto service messages the emulator reads and writes (mtproto.tl).</summary>
internal static class ServiceIds
{
    public const uint MsgContainer = 0x73f1f8dc;
    public const uint GzipPacked = 0x3072cfa1;
    public const uint RpcResult = 0xf35c6d01;
    public const uint RpcError = 0x2144ca19;
    public const uint MsgsAck = 0x62d6b459;
    public const uint BadMsgNotification = 0xa7eff811;
    public const uint BadServerSalt = 0xedab447b;
    public const uint NewSessionCreated = 0x9ec20908;
    public const uint Ping = 0x7abe77ec;
    public const uint PingDelayDisconnect = 0xf3427b8c;
    public const uint Pong = 0x347773c5;
    public const uint GetFutureSalts = 0xb921bd04;
    public const uint FutureSalts = 0xae500895;
    public const uint FutureSalt = 0x0949d9dc;
    public const uint DestroySession = 0xe7512126;
    public const uint DestroySessionOk = 0xe22045fc;
    public const uint DestroySessionNone = 0x62d350c9;
    public const uint MsgsStateReq = 0xda69fb52;
    public const uint MsgsStateInfo = 0x04deb57d;
    public const uint MsgResendReq = 0x7d861a08;
    public const uint RpcDropAnswer = 0x58e4a740;
    public const uint RpcAnswerUnknown = 0x5e2ad36e;
    public const uint HttpWait = 0x9299359f;
    public const uint DestroyAuthKey = 0xd1435160;
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
