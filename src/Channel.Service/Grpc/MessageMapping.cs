using System.Globalization;
using Channel.Service.Outbound;
using Google.Protobuf.Collections;
using ProtoEntity = Channel.Grpc.V1.MessageEntity;
using ProtoPeer = Channel.Grpc.V1.Peer;

namespace Channel.Service.Grpc;

/// <summary>The messages API's peers and entities as the use cases take them.</summary>
internal static class MessageMapping
{
    public static OutboundPeer? ToOutbound(this ProtoPeer? peer) => peer?.KindCase switch
    {
        ProtoPeer.KindOneofCase.UserId => new OutboundPeer(OutboundPeer.UserId, peer.UserId.ToString(CultureInfo.InvariantCulture)),
        ProtoPeer.KindOneofCase.Username => new OutboundPeer(OutboundPeer.Username, peer.Username),
        ProtoPeer.KindOneofCase.Phone => new OutboundPeer(OutboundPeer.Phone, peer.Phone),
        ProtoPeer.KindOneofCase.ChatId => new OutboundPeer(OutboundPeer.ChatId, peer.ChatId.ToString(CultureInfo.InvariantCulture)),
        ProtoPeer.KindOneofCase.ChannelId => new OutboundPeer(OutboundPeer.ChannelId, peer.ChannelId.ToString(CultureInfo.InvariantCulture)),
        _ => null,
    };

    public static List<Contracts.MessageEntity> ToContracts(this RepeatedField<ProtoEntity> entities) =>
        [.. entities.Select(e => new Contracts.MessageEntity
        {
            Type = e.Type,
            Offset = e.Offset,
            Length = e.Length,
            Url = string.IsNullOrEmpty(e.Url) ? null : e.Url,
            Language = string.IsNullOrEmpty(e.Language) ? null : e.Language,
            UserId = e.UserId == 0 ? null : e.UserId,
        })];
}
