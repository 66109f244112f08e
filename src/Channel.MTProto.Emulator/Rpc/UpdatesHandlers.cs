using Channel.MTProto.Emulator.World;
using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.Emulator.Rpc;

/// <summary>updates.getState / getDifference over the user's common box; getChannelDifference over one channel's.</summary>
internal static class UpdatesHandlers
{
    public static void Register(WorldRpc rpc)
    {
        var world = rpc.World;
        rpc.Authorized<Updates.GetState, Updates.StateBase>(Updates.GetState.TlConstructorId, (_, userId, _) => world.GetState(userId));
        rpc.Authorized<Updates.GetDifference, Updates.DifferenceBase>(Updates.GetDifference.TlConstructorId,
            (_, userId, request) => world.GetDifference(userId, request.Pts, request.PtsTotalLimit));
        rpc.Authorized<Updates.GetChannelDifference, Updates.ChannelDifferenceBase>(Updates.GetChannelDifference.TlConstructorId,
            (context, userId, request) => world.GetChannelDifference(context, userId, request.Channel, request.Pts, request.Limit, request.Force));
    }
}
