using System.Collections.Concurrent;
using System.Security.Cryptography;
using Channel.MTProto.Emulator.Rpc;
using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.Emulator.World;

/// <summary>Basic groups (<c>peerChat</c>): created through the world API with fixed members; messages go into every
/// member's common box with the member's own ids, as on Telegram.</summary>
public sealed partial class EmulatorWorld
{
    private const int MaxChatMembers = 200;

    private readonly ConcurrentDictionary<long, WorldChat> _chats = new();

    /// <summary>Creates a basic group of <paramref name="members"/> (ids, phones or usernames; the creator is the first,
    /// or <paramref name="creator"/>, added if missing). No service message is written: members learn the chat with
    /// its first message, which comes with the chat in <c>updates.chats</c>.</summary>
    public EmulatorChat CreateGroup(string title, IReadOnlyList<string> members, string? creator = null)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (string.IsNullOrWhiteSpace(title) || title.Length > 128)
        {
            throw new EmulatorWorldException(EmulatorWorldError.Invalid, "title is required (at most 128 characters).");
        }

        var users = members.Select(Resolve).ToList();
        if (creator is not null)
        {
            users.Insert(0, Resolve(creator));
        }

        users = users.DistinctBy(u => u.Id).ToList();
        if (users.Count is < 1 or > MaxChatMembers)
        {
            throw new EmulatorWorldException(EmulatorWorldError.Invalid, $"a group has 1 to {MaxChatMembers} members.");
        }

        var chat = new WorldChat { Title = title.Trim(), CreatorId = users[0].Id, MemberIds = users.Select(u => u.Id).ToList(), Date = UnixNow };
        do
        {
            // Positive, below 2^40 like today's basic-group ids, and unique.
            chat.Id = (RandomNumberGenerator.GetInt32(1, int.MaxValue) * 256L) + RandomNumberGenerator.GetInt32(0, 256);
        }
        while (!_chats.TryAdd(chat.Id, chat));

        MarkDirty();
        return Describe(chat);
    }

    /// <summary>A basic group, supergroup or channel by id, or null.</summary>
    public EmulatorChat? FindChat(long chatId)
        => _chats.TryGetValue(chatId, out var chat) ? Describe(chat) : _channels.TryGetValue(chatId, out var channel) ? DescribeChannel(channel) : null;

    /// <summary>Every basic group, then every supergroup and channel.</summary>
    public IReadOnlyList<EmulatorChat> Chats() => [.. _chats.Values.Select(Describe), .. _channels.Values.Select(DescribeChannel)];

    /// <summary>True when <paramref name="chatId"/> is a supergroup or broadcast channel (not a basic group).</summary>
    public bool IsChannel(long chatId) => _channels.ContainsKey(chatId);

    /// <summary>messages.getChats: the groups the caller is in (others are left out).</summary>
    internal Tl.Api.Messages.Chats GetChats(long userId, IReadOnlyList<long> ids)
        => new() { ChatsValue = ids.Distinct().Select(id => _chats.TryGetValue(id, out var chat) && chat.MemberIds.Contains(userId) ? WorldTl.Chat(chat, userId) : null).OfType<ChatBase>().ToArray() };

    /// <summary>messages.getFullChat: the group with its members.</summary>
    internal Tl.Api.Messages.ChatFull GetFullChat(long userId, long chatId)
    {
        var chat = _chats.TryGetValue(chatId, out var found) && found.MemberIds.Contains(userId) ? found : throw new RpcErrorException(400, "CHAT_ID_INVALID");
        return new Tl.Api.Messages.ChatFull
        {
            FullChat = new ChatFull
            {
                Id = chat.Id,
                About = string.Empty,
                Participants = new ChatParticipants
                {
                    ChatId = chat.Id,
                    Participants = chat.MemberIds.Select(id => id == chat.CreatorId
                        ? (ChatParticipantBase)new ChatParticipantCreator { UserId = id }
                        : new ChatParticipant { UserId = id, InviterId = chat.CreatorId, Date = chat.Date }).ToArray(),
                    Version = 1,
                },
                NotifySettings = new PeerNotifySettings(),
            },
            Chats = [WorldTl.Chat(chat, userId)],
            Users = UsersLocked(chat.MemberIds, userId),
        };
    }

    private WorldChat ChatOrThrow(long chatId)
        => _chats.TryGetValue(chatId, out var chat) ? chat : throw new EmulatorWorldException(EmulatorWorldError.NotFound, $"no chat {chatId}.");

    private WorldUser[] Members(WorldChat chat)
        => chat.MemberIds.Select(id => _usersById.TryGetValue(id, out var user) ? user : null).OfType<WorldUser>().ToArray();

    private static EmulatorChat Describe(WorldChat chat)
        => new(chat.Id, "group", chat.Title, chat.CreatorId, chat.MemberIds.ToArray(), DateTimeOffset.FromUnixTimeSeconds(chat.Date),
            MigratedToId: chat.MigratedToChannelId == 0 ? null : chat.MigratedToChannelId);
}
