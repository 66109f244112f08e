using Channel.MTProto.Accounts;
using Google.Protobuf.WellKnownTypes;
using ProtoConnection = Channel.Grpc.V1.AccountConnection;
using ProtoState = Channel.Grpc.V1.ConnectionState;

namespace Channel.Service.Grpc;

/// <summary>The runtime's view of a connection on the wire; no connection held is NOT_CONNECTED.</summary>
internal static class ConnectionMapping
{
    public static ProtoConnection ToProto(this AccountConnectionStatus? status)
    {
        if (status is null)
        {
            return new ProtoConnection { State = ProtoState.NotConnected };
        }

        var message = new ProtoConnection
        {
            State = status.State switch
            {
                AccountConnectionState.Connecting => ProtoState.Connecting,
                AccountConnectionState.Connected => ProtoState.Connected,
                AccountConnectionState.Reconnecting => ProtoState.Reconnecting,
                _ => ProtoState.Stopped,
            },
            Since = Timestamp.FromDateTimeOffset(status.Since),
            LastError = status.LastError ?? string.Empty,
        };
        if (status.LastUpdateAt is { } last)
        {
            message.LastUpdateAt = Timestamp.FromDateTimeOffset(last);
        }

        return message;
    }
}
