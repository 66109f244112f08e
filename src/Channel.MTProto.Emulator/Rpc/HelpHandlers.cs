using Channel.MTProto.Emulator.Interim;

namespace Channel.MTProto.Emulator.Rpc;

/// <summary>help.getConfig and help.getNearestDc, serialized in layer 198 (the layer our client and GramJS speak).</summary>
internal static class HelpHandlers
{
    /// <summary>How long a client may cache the config (config.expires − config.date).</summary>
    private const int ConfigLifetimeSeconds = 3600;

    public static void Register(RpcHandlerRegistry registry)
    {
        registry.Register(ApiIds.HelpGetConfig, GetConfig);
        registry.Register(ApiIds.HelpGetNearestDc, GetNearestDc);
    }

    private static ValueTask<RpcAnswer> GetConfig(RpcContext context, ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        var emulator = context.Dc.Emulator;
        var date = (int)emulator.Time.GetUtcNow().ToUnixTimeSeconds();
        var writer = new TlWriter(1024)
            .WriteUInt32(ApiIds.Config)
            .WriteInt32(0) // flags: no optional fields
            .WriteInt32(date)
            .WriteInt32(date + ConfigLifetimeSeconds)
            .WriteBool(false) // test_mode
            .WriteInt32(context.DcId);

        // dc_options: every DC of this emulator, at the address its listener is bound to.
        writer.WriteVectorHeader(emulator.Dcs.Count);
        foreach (var (dcId, endpoint) in emulator.Dcs)
        {
            writer.WriteUInt32(ApiIds.DcOption)
                .WriteInt32(endpoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 1 : 0) // flags: ipv6
                .WriteInt32(dcId)
                .WriteString(endpoint.Address.ToString())
                .WriteInt32(endpoint.Port);
        }

        writer.WriteString("emulator.invalid") // dc_txt_domain_name
            .WriteInt32(200) // chat_size_max
            .WriteInt32(200_000) // megagroup_size_max
            .WriteInt32(100) // forwarded_count_max
            .WriteInt32(210_000) // online_update_period_ms
            .WriteInt32(5_000) // offline_blur_timeout_ms
            .WriteInt32(30_000) // offline_idle_timeout_ms
            .WriteInt32(300_000) // online_cloud_timeout_ms
            .WriteInt32(30_000) // notify_cloud_delay_ms
            .WriteInt32(1_500) // notify_default_delay_ms
            .WriteInt32(60_000) // push_chat_period_ms
            .WriteInt32(2) // push_chat_limit
            .WriteInt32(172_800) // edit_time_limit
            .WriteInt32(int.MaxValue) // revoke_time_limit
            .WriteInt32(int.MaxValue) // revoke_pm_time_limit
            .WriteInt32(2_419_200) // rating_e_decay
            .WriteInt32(200) // stickers_recent_limit
            .WriteInt32(604_800) // channels_read_media_period
            .WriteInt32(20_000) // call_receive_timeout_ms
            .WriteInt32(90_000) // call_ring_timeout_ms
            .WriteInt32(30_000) // call_connect_timeout_ms
            .WriteInt32(10_000) // call_packet_timeout_ms
            .WriteString("https://t.me/") // me_url_prefix
            .WriteInt32(1024) // caption_length_max
            .WriteInt32(4096) // message_length_max
            .WriteInt32(context.DcId); // webfile_dc_id
        return ValueTask.FromResult(RpcAnswer.Ok(writer.ToArray()));
    }

    private static ValueTask<RpcAnswer> GetNearestDc(RpcContext context, ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        // "ZZ" is the CLDR code for an unknown region: the emulator has no idea where the client is.
        var writer = new TlWriter(32)
            .WriteUInt32(ApiIds.NearestDc)
            .WriteString("ZZ")
            .WriteInt32(context.DcId)
            .WriteInt32(context.DcId);
        return ValueTask.FromResult(RpcAnswer.Ok(writer.ToArray()));
    }
}
