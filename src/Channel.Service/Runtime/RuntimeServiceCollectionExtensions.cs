using Channel.Persistence.Outbox;
using Channel.Service.Replicas;
using Microsoft.Extensions.Options;

namespace Channel.Service.Runtime;

internal static class RuntimeServiceCollectionExtensions
{
    /// <summary>
    /// The account runtime (<c>Runtime:*</c>, validated at start-up): the supervisor as a hosted service and as a
    /// status listener of the outbox, the restorer, the factory of live connections, and the writer that stores
    /// every account's batches.
    /// </summary>
    public static IServiceCollection AddChannelRuntime(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RuntimeOptions>().Bind(configuration.GetSection(RuntimeOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RuntimeOptions>, RuntimeOptionsValidator>();
        services.AddChannelReplicas(configuration);
        services.AddSingleton<IAccountConnectionFactory, AccountConnectionFactory>();
        services.AddScoped<AccountRestorer>();
        services.AddSingleton<InboundStoreWriter>();
        services.AddSingleton<AccountRuntime>();
        services.AddSingleton<IAccountRuntime>(provider => provider.GetRequiredService<AccountRuntime>());
        services.AddSingleton<IAccountStatusListener>(provider => provider.GetRequiredService<AccountRuntime>());
        services.AddHostedService(provider => provider.GetRequiredService<AccountRuntime>());
        return services;
    }
}
