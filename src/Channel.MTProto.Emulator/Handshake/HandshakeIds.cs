namespace Channel.MTProto.Emulator.Handshake;

/// <summary>Constructor ids of the unencrypted key-exchange messages (mtproto.tl).</summary>
internal static class HandshakeIds
{
    public const uint ReqPq = 0x60469778;
    public const uint ReqPqMulti = 0xbe7e8ef1;
    public const uint ResPq = 0x05162463;
    public const uint PqInnerData = 0x83c95aec;
    public const uint PqInnerDataDc = 0xa9f55f95;
    public const uint PqInnerDataTemp = 0x3c6a84d4;
    public const uint PqInnerDataTempDc = 0x56fddf88;
    public const uint ReqDhParams = 0xd712e4be;
    public const uint ServerDhParamsOk = 0xd0e8075c;
    public const uint ServerDhInnerData = 0xb5890dba;
    public const uint SetClientDhParams = 0xf5045f1f;
    public const uint ClientDhInnerData = 0x6643b654;
    public const uint DhGenOk = 0x3bcbf734;
    public const uint DhGenRetry = 0x46dc1fb9;
    public const uint DhGenFail = 0xa69dae02;
}
