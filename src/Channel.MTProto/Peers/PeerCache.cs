using System.Diagnostics.CodeAnalysis;
using Channel.MTProto.Tl.Api;
using TlChannel = Channel.MTProto.Tl.Api.Channel;

namespace Channel.MTProto.Peers;

/// <summary>
/// Users, basic groups and channels this account has seen, with their access hashes, so an InputPeer can be built
/// for any of them without PEER_ID_INVALID. Filled from every response and update that carries users/chats
/// (<see cref="Apply"/>), resolved by id, username or phone, persisted through
/// <see cref="Client.MTProtoSessionState.PeerCache"/> (<see cref="Serialize"/> / <see cref="Load"/>).
/// </summary>
/// <remarks>
/// Thread-safe. A "min" user or channel (seen in a group without full rights) never overwrites a usable access
/// hash with its unusable one. <see cref="Changed"/> is raised outside the lock after an update that changed something.
/// </remarks>
internal sealed partial class PeerCache
{
    private readonly Lock _lock = new();
    private readonly Dictionary<PeerId, CachedPeer> _peers = [];
    private readonly Dictionary<string, PeerId> _byUsername = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, PeerId> _byPhone = new(StringComparer.Ordinal);

    /// <summary>Raised after <see cref="Apply"/> or <see cref="Load"/> changed the cache; the owner persists it.</summary>
    public event EventHandler? Changed;

    public int Count
    {
        get { lock (_lock) { return _peers.Count; } }
    }

    /// <summary>Adds or refreshes the given users and chats; returns whether anything changed.</summary>
    public bool Apply(IEnumerable<UserBase>? users, IEnumerable<ChatBase>? chats)
    {
        var changed = false;
        lock (_lock)
        {
            foreach (var user in users ?? [])
            {
                if (user is User full)
                {
                    changed |= Store(FromUser(full), full.Min);
                }
            }

            foreach (var chat in chats ?? [])
            {
                if (FromChat(chat) is { } peer)
                {
                    changed |= Store(peer, chat is TlChannel { Min: true });
                }
            }
        }

        if (changed)
        {
            Changed?.Invoke(this, EventArgs.Empty);
        }

        return changed;
    }

    /// <summary>Forgets everything (after logout: access hashes belong to the account).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            ClearUnlocked();
        }

        Changed?.Invoke(this, EventArgs.Empty);
    }

    public bool TryGet(PeerId id, [NotNullWhen(true)] out CachedPeer? peer)
    {
        lock (_lock)
        {
            return _peers.TryGetValue(id, out peer);
        }
    }

    /// <summary>Finds a peer by its public username ('@' optional, case-insensitive).</summary>
    public bool TryResolveUsername(string username, [NotNullWhen(true)] out CachedPeer? peer)
    {
        ArgumentNullException.ThrowIfNull(username);
        lock (_lock)
        {
            peer = null;
            return NormalizeUsername(username) is { } key && _byUsername.TryGetValue(key, out var id) && _peers.TryGetValue(id, out peer);
        }
    }

    /// <summary>Finds a user by phone number ('+', spaces and dashes ignored).</summary>
    public bool TryResolvePhone(string phone, [NotNullWhen(true)] out CachedPeer? peer)
    {
        ArgumentNullException.ThrowIfNull(phone);
        lock (_lock)
        {
            peer = null;
            return NormalizePhone(phone) is { } key && _byPhone.TryGetValue(key, out var id) && _peers.TryGetValue(id, out peer);
        }
    }

    /// <summary>The InputPeer for <paramref name="id"/>, built from the cached access hash.</summary>
    /// <param name="id">The peer.</param>
    /// <param name="selfUserId">The logged-in user, addressed as inputPeerSelf.</param>
    /// <exception cref="PeerNotCachedException">No usable access hash is known for this user or channel.</exception>
    public InputPeerBase GetInputPeer(PeerId id, long? selfUserId = null)
    {
        if (id.Kind == PeerKind.User && id.Id == selfUserId)
        {
            return new InputPeerSelf();
        }

        if (id.Kind == PeerKind.Chat)
        {
            return new InputPeerChat { ChatId = id.Id };
        }

        // A min peer: addressed through the channel message it was seen in.
        if (InputPeerFromMessage(id) is { } fromMessage)
        {
            return fromMessage;
        }

        var hash = GetAccessHash(id);
        return id.Kind == PeerKind.User
            ? new InputPeerUser { UserId = id.Id, AccessHash = hash }
            : new InputPeerChannel { ChannelId = id.Id, AccessHash = hash };
    }

    /// <summary>The InputUser for <paramref name="userId"/>.</summary>
    /// <exception cref="PeerNotCachedException">No usable access hash is known for this user.</exception>
    public InputUserBase GetInputUser(long userId, long? selfUserId = null) =>
        userId == selfUserId ? new InputUserSelf()
        : InputPeerFromMessage(PeerId.User(userId)) is InputPeerUserFromMessage fromMessage ? new InputUserFromMessage { Peer = fromMessage.Peer, MsgId = fromMessage.MsgId, UserId = userId }
        : new InputUser { UserId = userId, AccessHash = GetAccessHash(PeerId.User(userId)) };

    /// <summary>The InputChannel for <paramref name="channelId"/>.</summary>
    /// <exception cref="PeerNotCachedException">No usable access hash is known for this channel.</exception>
    public InputChannelBase GetInputChannel(long channelId) =>
        new InputChannel { ChannelId = channelId, AccessHash = GetAccessHash(PeerId.Channel(channelId)) };

    /// <summary>"@Name" → "name"; null when nothing is left.</summary>
    internal static string? NormalizeUsername(string? username)
    {
        var trimmed = username?.Trim().TrimStart('@');
        return string.IsNullOrEmpty(trimmed) ? null : trimmed.ToLowerInvariant();
    }

    /// <summary>"+1 (555) 123-45" → "155512345": digits only; null when there are none.</summary>
    internal static string? NormalizePhone(string? phone)
    {
        if (phone is null)
        {
            return null;
        }

        var digits = string.Concat(phone.Where(char.IsAsciiDigit));
        return digits.Length == 0 ? null : digits;
    }

    private void ClearUnlocked()
    {
        _peers.Clear();
        _byUsername.Clear();
        _byPhone.Clear();
    }

    private long GetAccessHash(PeerId id)
    {
        lock (_lock)
        {
            return _peers.TryGetValue(id, out var peer) && peer.AccessHash is { } hash ? hash : throw new PeerNotCachedException(id);
        }
    }

    private static CachedPeer FromUser(User user) =>
        new(PeerId.User(user.Id), user.Min ? null : user.AccessHash, NormalizeUsername(user.GetUsername()), NormalizePhone(user.Phone), user.GetDisplayName());

    private static CachedPeer? FromChat(ChatBase chat) => chat.GetPeerId() is not { } id ? null : chat switch
    {
        TlChannel channel => new CachedPeer(
            id,
            channel.Min ? null : channel.AccessHash,
            NormalizeUsername(channel.Username ?? channel.Usernames?.OfType<Username>().FirstOrDefault(u => u.Active)?.UsernameValue),
            null,
            channel.Title,
            channel.Broadcast),
        ChannelForbidden forbidden => new CachedPeer(id, forbidden.AccessHash, null, null, forbidden.Title, forbidden.Broadcast),
        _ => new CachedPeer(id, null, null, null, chat.GetTitle()),
    };

    /// <summary>Stores <paramref name="fresh"/>, keeping known values the fresh copy lacks (min objects omit them).</summary>
    private bool Store(CachedPeer fresh, bool isMin)
    {
        _peers.TryGetValue(fresh.Id, out var old);
        var merged = old is null || !isMin
            ? fresh with
            {
                AccessHash = fresh.AccessHash ?? old?.AccessHash,
                Phone = fresh.Phone ?? old?.Phone,
            }
            : old with
            {
                // A min object still carries a current name and username.
                DisplayName = fresh.DisplayName ?? old.DisplayName,
                Username = fresh.Username ?? old.Username,
            };

        if (merged == old)
        {
            return false;
        }

        Index(old, merged);
        _peers[merged.Id] = merged;
        return true;
    }

    private void Index(CachedPeer? old, CachedPeer current)
    {
        if (old?.Username is { } oldUsername && oldUsername != current.Username && _byUsername.GetValueOrDefault(oldUsername) == old.Id)
        {
            _byUsername.Remove(oldUsername);
        }

        if (old?.Phone is { } oldPhone && oldPhone != current.Phone && _byPhone.GetValueOrDefault(oldPhone) == old.Id)
        {
            _byPhone.Remove(oldPhone);
        }

        if (current.Username is { } username)
        {
            _byUsername[username] = current.Id;
        }

        if (current.Phone is { } phone)
        {
            _byPhone[phone] = current.Id;
        }
    }
}
