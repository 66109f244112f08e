using Channel.MTProto.Emulator.World;
using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.Emulator.Rpc;

/// <summary>users.getUsers (inputUserSelf is how clients ask "who am I") and users.getFullUser.</summary>
internal static class UsersHandlers
{
    public static void Register(WorldRpc rpc)
    {
        var world = rpc.World;
        rpc.Authorized<Users.GetUsers, IReadOnlyList<UserBase>>(Users.GetUsers.TlConstructorId,
            (_, userId, request) => world.GetUsers(userId, request.Id));
        rpc.Authorized<Users.GetFullUser, Users.UserFullBase>(Users.GetFullUser.TlConstructorId,
            (_, userId, request) => world.GetFullUser(userId, request.Id));
    }
}
