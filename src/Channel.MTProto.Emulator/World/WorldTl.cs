using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.Emulator.World;

/// <summary>The world's records as layer-198 TL objects, as seen by a given user.</summary>
internal static class WorldTl
{
    public static User User(WorldUser user, long viewerId) => new()
    {
        Self = user.Id == viewerId,
        Id = user.Id,
        AccessHash = user.AccessHash,
        FirstName = user.FirstName,
        LastName = user.LastName,
        Username = user.Username,
        Phone = user.Phone,
        Status = new UserStatusRecently(),
    };

    public static PeerUser Peer(long userId) => new() { UserId = userId };

    public static Message Message(BoxMessage message) => new()
    {
        Out = message.Out,
        Id = message.Id,
        FromId = Peer(message.FromId),
        PeerId = Peer(message.PeerId),
        Date = message.Date,
        MessageValue = message.Text,
        EditDate = message.EditDate,
    };

    /// <summary>An updates envelope (seq 0: every update here carries its own pts).</summary>
    public static UpdatesConstructor Updates(UpdateBase update, IReadOnlyList<UserBase> users, int date)
        => new() { Updates = [update], Users = users, Chats = [], Date = date, Seq = 0 };
}
