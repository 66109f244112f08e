using Channel.MTProto.Emulator.World;
using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.Emulator.Rpc;

/// <summary>channels.* for supergroups and broadcast channels: create, invite, get, full info, messages, read, delete.</summary>
internal static class ChannelsHandlers
{
    public static void Register(WorldRpc rpc)
    {
        var world = rpc.World;
        rpc.Authorized<Channels.CreateChannel, UpdatesBase>(Channels.CreateChannel.TlConstructorId,
            (context, userId, request) => world.CreateChannel(context, userId, request.Title, request.Broadcast, request.Megagroup));
        rpc.Authorized<Channels.InviteToChannel, Messages.InvitedUsersBase>(Channels.InviteToChannel.TlConstructorId,
            (context, userId, request) => world.InviteToChannel(context, userId, request.Channel, request.Users));
        rpc.Authorized<Channels.GetChannels, Messages.ChatsBase>(Channels.GetChannels.TlConstructorId,
            (_, userId, request) => world.GetChannels(userId, request.Id));
        rpc.Authorized<Channels.GetFullChannel, Messages.ChatFullBase>(Channels.GetFullChannel.TlConstructorId,
            (_, userId, request) => world.GetFullChannel(userId, request.Channel));
        rpc.Authorized<Channels.GetMessages, Messages.MessagesBase>(Channels.GetMessages.TlConstructorId,
            (_, userId, request) => world.GetChannelMessages(userId, request.Channel, request.Id));
        rpc.Authorized<Channels.ReadHistory, bool>(Channels.ReadHistory.TlConstructorId,
            (context, userId, request) => world.ReadChannelHistory(context, userId, request.Channel, request.MaxId));
        rpc.Authorized<Channels.DeleteMessages, Messages.AffectedMessagesBase>(Channels.DeleteMessages.TlConstructorId,
            (context, userId, request) => world.DeleteChannelMessages(context, userId, request.Channel, request.Id));
        rpc.Authorized<Messages.MigrateChat, UpdatesBase>(Messages.MigrateChat.TlConstructorId,
            (context, userId, request) => world.MigrateChat(context, userId, request.ChatId));
    }
}
