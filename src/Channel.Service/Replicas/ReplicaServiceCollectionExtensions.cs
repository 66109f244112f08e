using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Channel.Service.Replicas;

internal static class ReplicaServiceCollectionExtensions
{
    /// <summary>
    /// What replicas share: <c>Leases:*</c> (validated at start-up) and this replica's <see cref="ReplicaIdentity"/>.
    /// Called by the runtime's and the messaging registration; registers once.
    /// </summary>
    public static IServiceCollection AddChannelReplicas(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(ReplicaIdentity)))
        {
            return services;
        }

        services.AddOptions<LeaseOptions>().Bind(configuration.GetSection(LeaseOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LeaseOptions>, LeaseOptionsValidator>());
        services.AddSingleton<ReplicaIdentity>();
        return services;
    }
}
