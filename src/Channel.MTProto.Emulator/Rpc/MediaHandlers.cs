using Channel.MTProto.Emulator.World;
using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.Emulator.Rpc;

/// <summary>messages.sendMedia (photos, documents, re-sends, geo points, contacts) and messages.getMessages.</summary>
internal static class MediaHandlers
{
    public static void Register(WorldRpc rpc)
    {
        var world = rpc.World;
        rpc.Authorized<Messages.SendMedia, UpdatesBase>(Messages.SendMedia.TlConstructorId,
            (context, userId, request) => world.SendMedia(context, userId, request));
        rpc.Authorized<Messages.GetMessages, Messages.MessagesBase>(Messages.GetMessages.TlConstructorId,
            (_, userId, request) => world.GetMessages(userId, request.Id));
    }
}
