using Channel.MTProto.Tl.Mt;

namespace Channel.MTProto.Emulator.Handshake;

/// <summary>Constructor ids of the unencrypted key-exchange messages (from the generated schema).</summary>
internal static class HandshakeIds
{
    public const uint ReqPq = Tl.Mt.ReqPq.TlConstructorId;
    public const uint ReqPqMulti = Tl.Mt.ReqPqMulti.TlConstructorId;
    public const uint ResPq = ResPQ.TlConstructorId;
    public const uint PqInnerData = PQInnerData.TlConstructorId;
    public const uint PqInnerDataDc = PQInnerDataDc.TlConstructorId;
    public const uint PqInnerDataTemp = PQInnerDataTemp.TlConstructorId;
    public const uint PqInnerDataTempDc = PQInnerDataTempDc.TlConstructorId;
    public const uint ReqDhParams = ReqDHParams.TlConstructorId;
    public const uint ServerDhParamsOk = ServerDHParamsOk.TlConstructorId;
    public const uint ServerDhInnerData = ServerDHInnerData.TlConstructorId;
    public const uint SetClientDhParams = SetClientDHParams.TlConstructorId;
    public const uint ClientDhInnerData = ClientDHInnerData.TlConstructorId;
    public const uint DhGenOk = Tl.Mt.DhGenOk.TlConstructorId;
    public const uint DhGenRetry = Tl.Mt.DhGenRetry.TlConstructorId;
    public const uint DhGenFail = Tl.Mt.DhGenFail.TlConstructorId;
}
