using Channel.MTProto.Emulator.Rpc;
using Channel.MTProto.Tl;

namespace Channel.MTProto.Emulator.World;

/// <summary>
/// Registers world handlers with the two checks every one of them needs: injected errors such as flood waits (matched
/// by the method's TL name and the caller's phone) and, for user methods, an authorized auth key.
/// </summary>
internal sealed class WorldRpc(RpcHandlerRegistry registry, EmulatorWorld world)
{
    public EmulatorWorld World { get; } = world;

    /// <summary>A method callable before login (auth.*); flood rules match <paramref name="phone"/> of the request.</summary>
    public void Anonymous<TMethod, TResult>(uint methodId, Func<RpcContext, TMethod, TResult> handler, Func<TMethod, string>? phone = null)
        where TMethod : class, ITlMethod<TResult>
        => registry.Register<TMethod, TResult>(methodId, (context, request, _) =>
        {
            World.ThrowInjectedError(request.ToString()!, phone is null ? World.CallerPhone(context) : EmulatorWorld.NormalizePhone(phone(request)));
            return ValueTask.FromResult(handler(context, request));
        });

    /// <summary>A method that needs a logged-in user (401 AUTH_KEY_UNREGISTERED / SESSION_REVOKED otherwise).</summary>
    public void Authorized<TMethod, TResult>(uint methodId, Func<RpcContext, long, TMethod, TResult> handler)
        where TMethod : class, ITlMethod<TResult>
        => registry.Register<TMethod, TResult>(methodId, (context, request, _) =>
        {
            var userId = World.RequireUser(context);
            World.ThrowInjectedError(request.ToString()!, World.CallerPhone(context));
            return ValueTask.FromResult(handler(context, userId, request));
        });

    /// <summary>Like <see cref="Authorized{TMethod, TResult}"/> for a result that goes out as is, never gzip_packed (file bytes).</summary>
    public void AuthorizedUncompressed<TMethod, TResult>(uint methodId, Func<RpcContext, long, TMethod, TResult> handler)
        where TMethod : class, ITlMethod<TResult>
        where TResult : ITlObject
        => registry.Register(methodId, (context, request, _) =>
        {
            var method = TlSerializer.Deserialize<TMethod>(request.Span);
            var userId = World.RequireUser(context);
            World.ThrowInjectedError(method.ToString()!, World.CallerPhone(context));
            return ValueTask.FromResult(RpcAnswer.OkUncompressed(TlSerializer.ToArray(handler(context, userId, method))));
        });
}
