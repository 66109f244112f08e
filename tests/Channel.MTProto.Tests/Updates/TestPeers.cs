using Channel.MTProto.Tl.Api;
using Channel.MTProto.UpdateHandling;

namespace Channel.MTProto.Tests.UpdateHandling;

/// <summary>A peer cache for the engine's tests: remembers ids (and channel access hashes) it was given.</summary>
internal sealed class TestPeers : IUpdatePeers
{
    private readonly HashSet<long> _users = [];
    private readonly HashSet<long> _chats = [];
    private readonly Dictionary<long, long> _channels = [];

    public void Apply(IReadOnlyList<UserBase> users, IReadOnlyList<ChatBase> chats)
    {
        lock (_users)
        {
            foreach (var user in users.OfType<User>())
            {
                _users.Add(user.Id);
            }

            foreach (var chat in chats)
            {
                switch (chat)
                {
                    case Chat c:
                        _chats.Add(c.Id);
                        break;
                    case global::Channel.MTProto.Tl.Api.Channel c when c.AccessHash is { } hash:
                        _channels[c.Id] = hash;
                        break;
                }
            }
        }
    }

    public void AddUser(long id)
    {
        lock (_users)
        {
            _users.Add(id);
        }
    }

    public void AddChannel(long id, long accessHash)
    {
        lock (_users)
        {
            _channels[id] = accessHash;
        }
    }

    public bool HasUser(long userId)
    {
        lock (_users)
        {
            return _users.Contains(userId);
        }
    }

    public bool HasChat(long chatId)
    {
        lock (_users)
        {
            return _chats.Contains(chatId);
        }
    }

    public bool TryGetChannelAccessHash(long channelId, out long accessHash)
    {
        lock (_users)
        {
            return _channels.TryGetValue(channelId, out accessHash);
        }
    }
}
