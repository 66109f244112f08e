using Channel.MTProto.Peers;
using Channel.MTProto.Tl.Api;
using TlChannel = Channel.MTProto.Tl.Api.Channel;

namespace Channel.MTProto.Tests.UserApi;

public sealed class PeerCacheTests
{
    [Fact]
    public void Apply_UsersAndChats_InputPeersFromCachedHashes()
    {
        var cache = new PeerCache();

        cache.Apply(
            [new User { Id = 1, AccessHash = 11, FirstName = "Ann", Username = "Ann_A", Phone = "15550001" }],
            [new Chat { Id = 2, Title = "Team", Photo = new ChatPhotoEmpty() }, new TlChannel { Id = 3, AccessHash = 33, Title = "News", Photo = new ChatPhotoEmpty(), Broadcast = true }]);

        Assert.Equal(3, cache.Count);
        var user = Assert.IsType<InputPeerUser>(cache.GetInputPeer(PeerId.User(1)));
        Assert.Equal(11, user.AccessHash);
        Assert.Equal(2, Assert.IsType<InputPeerChat>(cache.GetInputPeer(PeerId.Chat(2))).ChatId);
        Assert.Equal(33, Assert.IsType<InputPeerChannel>(cache.GetInputPeer(PeerId.Channel(3))).AccessHash);
        Assert.IsType<InputPeerSelf>(cache.GetInputPeer(PeerId.User(1), selfUserId: 1));
        Assert.True(cache.TryResolveUsername("@ann_a", out var byName));
        Assert.True(cache.TryResolvePhone("+1 555 0001", out var byPhone));
        Assert.Equal(byName, byPhone);
        Assert.True(cache.TryGet(PeerId.Channel(3), out var channel) && channel.IsBroadcast);
    }

    [Fact]
    public void MinSupergroupMember_AddressedThroughTheMessageItWasSeenIn()
    {
        var cache = new PeerCache();
        cache.Apply([new User { Id = 7, AccessHash = 77, FirstName = "Min", Min = true }], [new TlChannel { Id = 3, AccessHash = 33, Title = "Group", Photo = new ChatPhotoEmpty(), Megagroup = true }]);
        Assert.Throws<PeerNotCachedException>(() => cache.GetInputPeer(PeerId.User(7)));

        cache.NoteMessage(new Message { Id = 41, PeerId = new PeerChannel { ChannelId = 3 }, FromId = new PeerUser { UserId = 7 }, MessageValue = "hi" });

        var peer = Assert.IsType<InputPeerUserFromMessage>(cache.GetInputPeer(PeerId.User(7)));
        Assert.Equal((7L, 41, 3L, 33L), (peer.UserId, peer.MsgId, ((InputPeerChannel)peer.Peer).ChannelId, ((InputPeerChannel)peer.Peer).AccessHash));
        var user = Assert.IsType<InputUserFromMessage>(cache.GetInputUser(7));
        Assert.Equal(41, user.MsgId);

        // Once the full user (with a usable hash) is known, the plain input peer wins.
        cache.Apply([new User { Id = 7, AccessHash = 78, FirstName = "Full" }], null);
        Assert.Equal(78, Assert.IsType<InputPeerUser>(cache.GetInputPeer(PeerId.User(7))).AccessHash);
    }

    [Fact]
    public void Apply_MinUserAfterFullUser_KeepsTheUsableHash()
    {
        var cache = new PeerCache();
        cache.Apply([new User { Id = 1, AccessHash = 11, FirstName = "Ann" }], null);

        cache.Apply([new User { Id = 1, AccessHash = 99, FirstName = "Annie", Min = true }], null);

        Assert.True(cache.TryGet(PeerId.User(1), out var peer));
        Assert.Equal(11, peer.AccessHash);
        Assert.Equal("Annie", peer.DisplayName);
    }

    [Fact]
    public void GetInputPeer_MinOnlyOrUnknown_PeerNotCached()
    {
        var cache = new PeerCache();
        cache.Apply([new User { Id = 1, AccessHash = 99, FirstName = "Min", Min = true }], null);

        Assert.Throws<PeerNotCachedException>(() => cache.GetInputPeer(PeerId.User(1)));
        Assert.Throws<PeerNotCachedException>(() => cache.GetInputPeer(PeerId.Channel(7)));
    }

    [Fact]
    public void Apply_UsernameChanged_OldNameNoLongerResolves()
    {
        var cache = new PeerCache();
        cache.Apply([new User { Id = 1, AccessHash = 11, Username = "old_name" }], null);

        cache.Apply([new User { Id = 1, AccessHash = 11, Username = "new_name" }], null);

        Assert.False(cache.TryResolveUsername("old_name", out _));
        Assert.True(cache.TryResolveUsername("new_name", out _));
    }

    [Fact]
    public void Apply_SameData_NoChangeEvent()
    {
        var cache = new PeerCache();
        var changes = 0;
        cache.Changed += (_, _) => changes++;

        Assert.True(cache.Apply([new User { Id = 1, AccessHash = 11 }], null));
        Assert.False(cache.Apply([new User { Id = 1, AccessHash = 11 }], null));

        Assert.Equal(1, changes);
    }

    [Fact]
    public void SerializeLoad_RoundTrip_SamePeers()
    {
        var cache = new PeerCache();
        cache.Apply(
            [new User { Id = 1, AccessHash = 11, FirstName = "Ann", LastName = "Lee", Username = "ann", Phone = "15550001" }, new User { Id = 4, Min = true }],
            [new Chat { Id = 2, Title = "Team", Photo = new ChatPhotoEmpty() }, new ChannelForbidden { Id = 3, AccessHash = 33, Title = "Gone" }]);

        var loaded = new PeerCache();
        loaded.Load(cache.Serialize());

        Assert.Equal(cache.Count, loaded.Count);
        foreach (var id in new[] { PeerId.User(1), PeerId.User(4), PeerId.Chat(2), PeerId.Channel(3) })
        {
            Assert.True(cache.TryGet(id, out var expected));
            Assert.True(loaded.TryGet(id, out var actual));
            Assert.Equal(expected, actual);
        }

        Assert.True(loaded.TryResolveUsername("ann", out _));
    }

    [Fact]
    public void Load_TruncatedOrHostileBytes_FormatException()
    {
        var cache = new PeerCache();
        cache.Apply([new User { Id = 1, AccessHash = 11, Username = "ann" }], null);
        var bytes = cache.Serialize();

        Assert.Throws<FormatException>(() => new PeerCache().Load(bytes.AsSpan(0, bytes.Length - 3)));
        Assert.Throws<FormatException>(() => new PeerCache().Load([2, 0, 0, 0, 0, 0, 0, 0]));

        // Version 1 claiming two billion entries in eight bytes: refused before allocating.
        Assert.Throws<FormatException>(() => new PeerCache().Load([1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0x7F]));
    }

    [Fact]
    public void ApplyFrom_ResolvedPeer_CachesItsUsers()
    {
        var cache = new PeerCache();

        var changed = cache.ApplyFrom(new Contacts.ResolvedPeer { Peer = new PeerUser { UserId = 5 }, Users = [new User { Id = 5, AccessHash = 55 }], Chats = [] });

        Assert.True(changed);
        Assert.Equal(55, Assert.IsType<InputPeerUser>(cache.GetInputPeer(PeerId.User(5))).AccessHash);
        Assert.False(cache.ApplyFrom(true));
    }
}
