using Channel.MTProto.Emulator.Rpc;
using Channel.MTProto.Emulator.Sessions;
using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.Emulator.World;

/// <summary>
/// messages.migrateChat: a basic group becomes a supergroup with the same title and members. Every member's box gets
/// messageActionChatMigrateTo (common pts) and the group turns deactivated with migrated_to; the supergroup starts with
/// messageActionChannelMigrateFrom and remembers the group (channelFull.migrated_from_chat_id / _max_id), as on Telegram.
/// </summary>
public sealed partial class EmulatorWorld
{
    /// <summary>Migrates basic group <paramref name="chatId"/> as its creator <paramref name="user"/>; returns the supergroup.</summary>
    public EmulatorChat MigrateChat(long chatId, string user)
    {
        var owner = Resolve(user);
        try
        {
            var (channel, _) = MigrateCore(owner, chatId, origin: null);
            return DescribeChannel(channel);
        }
        catch (RpcErrorException ex)
        {
            throw new EmulatorWorldException(EmulatorWorldError.Invalid, ex.ErrorMessage);
        }
    }

    internal UpdatesBase MigrateChat(RpcContext context, long userId, long chatId)
        => MigrateCore(_usersById[userId], chatId, context.Session).Result;

    private (WorldChannel Channel, UpdatesConstructor Result) MigrateCore(WorldUser caller, long chatId, ServerSession? origin)
    {
        if (!_chats.TryGetValue(chatId, out var chat) || !chat.MemberIds.Contains(caller.Id))
        {
            throw new RpcErrorException(400, "CHAT_ID_INVALID");
        }

        if (chat.CreatorId != caller.Id)
        {
            throw new RpcErrorException(400, "CHAT_ADMIN_REQUIRED");
        }

        var members = Members(chat);
        var push = new List<ServerSession>();
        WorldChannel channel;
        UpdatesConstructor result;
        using (new UserLocks(members))
        {
            if (chat.MigratedToChannelId != 0)
            {
                throw new RpcErrorException(400, "CHAT_ID_INVALID");
            }

            channel = NewChannel(chat.Title, megagroup: true, caller.Id);
            chat.MigratedToChannelId = channel.Id;
            chat.MigratedToAccessHash = channel.AccessHash;
            var date = UnixNow;
            var chatSeq = ++chat.LastSeq;
            UpdateNewMessage? callerCopy = null;
            var maxId = 0;
            lock (channel.Gate)
            {
                foreach (var member in members)
                {
                    AddMemberLocked(channel, member.Id);
                }

                foreach (var member in members)
                {
                    var copy = AddMessageLocked(member, 0, chat.Id, caller.Id, member == caller, string.Empty, date);
                    copy.ChatSeq = chatSeq;
                    copy.MigratedToChannelId = channel.Id;
                    var update = new UpdateNewMessage { Message = WorldTl.Message(copy), Pts = copy.Pts, PtsCount = 1 };
                    var memberOrigin = member == caller ? origin : null;
                    PushLocked(member, EnvelopeLocked(member, update, UsersFor(member, caller), [WorldTl.Chat(chat, member.Id), ChannelTl.Channel(channel, member.Id)], date, withSeq: memberOrigin is null), memberOrigin, push);
                    if (member == caller)
                    {
                        callerCopy = update;
                        maxId = copy.Id;
                    }
                }

                channel.MigratedFromChatId = chat.Id;
                channel.MigratedFromMaxId = maxId;
                var post = AddPostLocked(channel, caller.Id, string.Empty, [], null, "channelMigrateFrom");
                post.ActionChatId = chat.Id;
                foreach (var member in members)
                {
                    var memberOrigin = member == caller ? origin : null;
                    PushToUserLocked(member.Id, viewer => ChannelUpdates(channel, viewer, new UpdateChannel { ChannelId = channel.Id }, [caller.Id],
                        new UpdateNewChannelMessage { Message = ChannelTl.Message(channel, post, viewer), Pts = post.Pts, PtsCount = 1 }), memberOrigin, push);
                }

                result = new UpdatesConstructor
                {
                    Updates = [new UpdateChannel { ChannelId = channel.Id }, callerCopy!, new UpdateNewChannelMessage { Message = ChannelTl.Message(channel, post, caller.Id), Pts = post.Pts, PtsCount = 1 }],
                    Users = [WorldTl.User(caller, caller.Id)],
                    Chats = [WorldTl.Chat(chat, caller.Id), ChannelTl.Channel(channel, caller.Id)],
                    Date = date,
                    Seq = 0,
                };
            }
        }

        Flush(push);
        MarkDirty();
        return (channel, result);
    }
}
