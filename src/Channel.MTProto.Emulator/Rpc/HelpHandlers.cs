using System.Net.Sockets;
using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.Emulator.Rpc;

/// <summary>help.getConfig and help.getNearestDc, in layer 198 (the layer our client and GramJS speak).</summary>
internal static class HelpHandlers
{
    /// <summary>How long a client may cache the config (config.expires − config.date).</summary>
    private const int ConfigLifetimeSeconds = 3600;

    public static void Register(RpcHandlerRegistry registry)
    {
        registry.Register<Help.GetConfig, ConfigBase>(Help.GetConfig.TlConstructorId, GetConfig);
        registry.Register<Help.GetNearestDc, NearestDcBase>(Help.GetNearestDc.TlConstructorId, GetNearestDc);
    }

    private static ValueTask<ConfigBase> GetConfig(RpcContext context, Help.GetConfig request, CancellationToken cancellationToken)
    {
        var emulator = context.Dc.Emulator;
        var date = (int)emulator.Time.GetUtcNow().ToUnixTimeSeconds();
        return ValueTask.FromResult<ConfigBase>(new Config
        {
            Date = date,
            Expires = date + ConfigLifetimeSeconds,
            TestMode = false,
            ThisDc = context.DcId,
            // Every DC of this emulator, at the address its listener is bound to.
            DcOptions = emulator.Dcs.Select(dc => new DcOption
            {
                Ipv6 = dc.Value.AddressFamily == AddressFamily.InterNetworkV6,
                Id = dc.Key,
                IpAddress = dc.Value.Address.ToString(),
                Port = dc.Value.Port,
            }).ToArray(),
            DcTxtDomainName = "emulator.invalid",
            ChatSizeMax = 200,
            MegagroupSizeMax = 200_000,
            ForwardedCountMax = 100,
            OnlineUpdatePeriodMs = 210_000,
            OfflineBlurTimeoutMs = 5_000,
            OfflineIdleTimeoutMs = 30_000,
            OnlineCloudTimeoutMs = 300_000,
            NotifyCloudDelayMs = 30_000,
            NotifyDefaultDelayMs = 1_500,
            PushChatPeriodMs = 60_000,
            PushChatLimit = 2,
            EditTimeLimit = 172_800,
            RevokeTimeLimit = int.MaxValue,
            RevokePmTimeLimit = int.MaxValue,
            RatingEDecay = 2_419_200,
            StickersRecentLimit = 200,
            ChannelsReadMediaPeriod = 604_800,
            CallReceiveTimeoutMs = 20_000,
            CallRingTimeoutMs = 90_000,
            CallConnectTimeoutMs = 30_000,
            CallPacketTimeoutMs = 10_000,
            MeUrlPrefix = "https://t.me/",
            CaptionLengthMax = 1024,
            MessageLengthMax = 4096,
            WebfileDcId = context.DcId,
        });
    }

    private static ValueTask<NearestDcBase> GetNearestDc(RpcContext context, Help.GetNearestDc request, CancellationToken cancellationToken)
        // "ZZ" is the CLDR code for an unknown region: the emulator has no idea where the client is.
        => ValueTask.FromResult<NearestDcBase>(new NearestDc { Country = "ZZ", ThisDc = context.DcId, NearestDcValue = context.DcId });
}
