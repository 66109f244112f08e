using Channel.MTProto.Emulator.World;
using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.Emulator.Rpc;

/// <summary>messages.* for private chats and basic groups (sendMessage, getHistory, editMessage also for channels; migrateChat in ChannelsHandlers): send (idempotent per random_id, entities and reply_to kept), dialogs, history, read, edit, delete, typing.</summary>
internal static class MessagesHandlers
{
    public static void Register(WorldRpc rpc)
    {
        var world = rpc.World;
        rpc.Authorized<Messages.SendMessage, UpdatesBase>(Messages.SendMessage.TlConstructorId,
            (context, userId, request) => request.Peer is InputPeerChannel channel
                ? world.SendChannelMessage(context, userId, channel, request.Message, request.Entities, (request.ReplyTo as InputReplyToMessage)?.ReplyToMsgId, request.RandomId)
                : world.SendMessage(context, userId, request.Peer, request.Message, request.Entities, (request.ReplyTo as InputReplyToMessage)?.ReplyToMsgId, request.RandomId));
        rpc.Authorized<Messages.GetDialogs, Messages.DialogsBase>(Messages.GetDialogs.TlConstructorId,
            (_, userId, request) => world.GetDialogs(userId, request.OffsetDate, request.OffsetId, request.Limit));
        rpc.Authorized<Messages.GetHistory, Messages.MessagesBase>(Messages.GetHistory.TlConstructorId,
            (_, userId, request) => request.Peer is InputPeerChannel channel
                ? world.GetChannelHistory(userId, channel, request.OffsetId, request.OffsetDate, request.AddOffset, request.Limit, request.MaxId, request.MinId)
                : world.GetHistory(userId, request.Peer, request.OffsetId, request.OffsetDate, request.AddOffset, request.Limit, request.MaxId, request.MinId));
        rpc.Authorized<Messages.ReadHistory, Messages.AffectedMessagesBase>(Messages.ReadHistory.TlConstructorId,
            (context, userId, request) => world.ReadHistory(context, userId, request.Peer, request.MaxId));
        rpc.Authorized<Messages.EditMessage, UpdatesBase>(Messages.EditMessage.TlConstructorId,
            (context, userId, request) => request.Peer is InputPeerChannel channel
                ? world.EditChannelMessage(context, userId, channel, request.Id, request.Message, request.Entities)
                : world.EditMessage(context, userId, request.Peer, request.Id, request.Message, request.Entities));
        rpc.Authorized<Messages.SetTyping, bool>(Messages.SetTyping.TlConstructorId,
            (_, userId, request) => world.SetTyping(userId, request.Peer, request.Action));
        rpc.Authorized<Messages.DeleteMessages, Messages.AffectedMessagesBase>(Messages.DeleteMessages.TlConstructorId,
            (context, userId, request) => world.DeleteMessages(context, userId, request.Id, request.Revoke));
        rpc.Authorized<Messages.GetChats, Messages.ChatsBase>(Messages.GetChats.TlConstructorId,
            (_, userId, request) => world.GetChats(userId, request.Id));
        rpc.Authorized<Messages.GetFullChat, Messages.ChatFullBase>(Messages.GetFullChat.TlConstructorId,
            (_, userId, request) => world.GetFullChat(userId, request.ChatId));
    }
}
