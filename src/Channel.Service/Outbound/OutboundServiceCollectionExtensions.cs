using Microsoft.Extensions.Options;

namespace Channel.Service.Outbound;

internal static class OutboundServiceCollectionExtensions
{
    /// <summary>
    /// Agents' replies (<c>Outbound:*</c>, validated at start-up): the send use case shared by gRPC and the bus, the
    /// per-account lanes, the ordered queue of bus commands (a hosted service) and the error mapping. The bus
    /// consumer itself is registered by AddChannelMessaging. Needs AddChannelRuntime and AddChannelPersistence.
    /// </summary>
    public static IServiceCollection AddChannelOutbound(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OutboundOptions>().Bind(configuration.GetSection(OutboundOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OutboundOptions>, OutboundOptionsValidator>();
        services.AddSingleton<Errors.IRpcExceptionMapper, OutboundRpcExceptionMapper>();
        services.AddSingleton<AccountSendLanes>();
        services.AddSingleton<LiveAccountConnections>();
        services.AddSingleton<SendMessageUseCase>();
        services.AddScoped<ChatActionsUseCase>();
        services.AddSingleton<OutboundSendQueue>();
        services.AddHostedService(provider => provider.GetRequiredService<OutboundSendQueue>());
        return services;
    }
}
