using Channel.Service.Errors;
using Channel.Service.Onboarding;
using Channel.Service.Sandbox;
using Channel.Service.Sessions;

namespace Channel.Service.Telegram;

internal static class TelegramServiceCollectionExtensions
{
    /// <summary>
    /// Telegram connectivity (validated <c>Telegram:*</c> / <c>Onboarding:*</c> settings), the client factory, the
    /// onboarding use cases, the audit, the Telegram error mapping, the session monitor and, in sandbox mode, the
    /// in-process emulator.
    /// Throws InvalidConfigurationException naming the key when a value is wrong.
    /// </summary>
    public static IServiceCollection AddChannelTelegram(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = TelegramSettings.Load(configuration);
        services.AddSingleton(settings);
        services.AddSingleton<TelegramConnectivity>();
        services.AddSingleton<TelegramClientFactory>();
        services.AddSingleton<AccountLoginLocks>();
        services.AddSingleton<OnboardingAudit>();
        services.AddSingleton<IRpcExceptionMapper, TelegramRpcExceptionMapper>();
        services.AddScoped<AccountLossRecorder>();
        services.AddScoped<LoginStepRunner>();
        services.AddScoped<SendCodeRateLimit>();
        services.AddScoped<LoginAttemptLimits>();
        services.AddScoped<SendCodeUseCase>();
        services.AddScoped<VerifyCodeUseCase>();
        services.AddScoped<SubmitPasswordUseCase>();
        services.AddScoped<LogOutUseCase>();
        services.AddScoped<CancelCodeUseCase>();
        services.AddScoped<SessionCheckUseCase>();
        if (settings.Sandbox)
        {
            services.AddSingleton<SandboxEmulator>();
            services.AddHostedService(provider => provider.GetRequiredService<SandboxEmulator>());
        }

        // After the sandbox emulator, which its first round may need.
        services.AddSingleton<SessionMonitor>();
        services.AddHostedService(provider => provider.GetRequiredService<SessionMonitor>());

        return services;
    }
}
