namespace Channel.Service.Auth;

internal static class AuthServiceCollectionExtensions
{
    /// <summary>
    /// API keys (validated <c>Auth:*</c> settings), the caller of each scope, the tenant guard the use cases consult,
    /// and the login call limits. Register <see cref="ApiKeyInterceptor"/> first among the gRPC interceptors.
    /// Throws InvalidConfigurationException naming the key when a value is wrong or no key is configured.
    /// </summary>
    public static IServiceCollection AddChannelAuth(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = AuthSettings.Load(configuration);
        services.AddSingleton(settings);
        services.AddSingleton<LoginCallLimiter>();
        services.AddScoped<CallerScope>();
        services.AddScoped<ITenantGuard, TenantGuard>();
        services.AddHostedService<AuthStartupLog>();
        return services;
    }
}
