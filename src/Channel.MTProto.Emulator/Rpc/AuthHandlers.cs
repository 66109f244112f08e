using Channel.MTProto.Emulator.World;
using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.Emulator.Rpc;

/// <summary>auth.*: code login, sign-up, 2FA check and log-out (the rules live in <see cref="EmulatorWorld"/>).</summary>
internal static class AuthHandlers
{
    public static void Register(WorldRpc rpc)
    {
        var world = rpc.World;
        rpc.Anonymous<Auth.SendCode, Auth.SentCodeBase>(Auth.SendCode.TlConstructorId,
            (context, request) => world.SendCode(context, request.PhoneNumber), request => request.PhoneNumber);
        rpc.Anonymous<Auth.ResendCode, Auth.SentCodeBase>(Auth.ResendCode.TlConstructorId,
            (context, request) => world.ResendCode(context, request.PhoneNumber, request.PhoneCodeHash), request => request.PhoneNumber);
        rpc.Anonymous<Auth.CancelCode, bool>(Auth.CancelCode.TlConstructorId, (context, request) =>
        {
            world.CancelCode(context, request.PhoneNumber, request.PhoneCodeHash);
            return true;
        }, request => request.PhoneNumber);
        rpc.Anonymous<Auth.SignIn, Auth.AuthorizationBase>(Auth.SignIn.TlConstructorId, (context, request) =>
            world.SignIn(context, request.PhoneNumber, request.PhoneCodeHash, request.PhoneCode) is { } user
                ? new Auth.Authorization { User = user }
                : new Auth.AuthorizationSignUpRequired(),
            request => request.PhoneNumber);
        rpc.Anonymous<Auth.SignUp, Auth.AuthorizationBase>(Auth.SignUp.TlConstructorId, (context, request) =>
            new Auth.Authorization { User = world.SignUp(context, request.PhoneNumber, request.PhoneCodeHash, request.FirstName, request.LastName) },
            request => request.PhoneNumber);
        rpc.Anonymous<Auth.CheckPassword, Auth.AuthorizationBase>(Auth.CheckPassword.TlConstructorId,
            (context, request) => new Auth.Authorization { User = world.CheckPassword(context, request.Password) });
        rpc.Authorized<Auth.LogOut, Auth.LoggedOutBase>(Auth.LogOut.TlConstructorId, (context, _, _) =>
        {
            world.LogOut(context);
            return new Auth.LoggedOut();
        });
    }
}
