using Channel.MTProto.Emulator.World;
using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.Emulator.Rpc;

/// <summary>account.getPassword: the SRP parameters for the 2FA step (or for a logged-in user's settings).</summary>
internal static class AccountHandlers
{
    public static void Register(WorldRpc rpc)
    {
        var world = rpc.World;
        rpc.Anonymous<Account.GetPassword, Account.PasswordBase>(Account.GetPassword.TlConstructorId, (context, _) => world.GetPassword(context));
    }
}
