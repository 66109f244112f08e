namespace Channel.Service.Auth;

/// <summary>Says at start-up how callers are authenticated, so an open service never goes unnoticed.</summary>
internal sealed partial class AuthStartupLog(AuthSettings settings, ILogger<AuthStartupLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (settings.DisabledBySandbox)
        {
            LogDisabledBySandbox(logger);
        }
        else if (settings.Disabled)
        {
            LogDisabled(logger);
        }
        else
        {
            LogKeys(logger, settings.ApiKeys.Count);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 2110, Level = LogLevel.Warning, Message = "Sandbox mode set Auth:Disabled=true (no API key is configured): every caller may act for every helpdesk account.")]
    private static partial void LogDisabledBySandbox(ILogger logger);

    [LoggerMessage(EventId = 2111, Level = LogLevel.Warning, Message = "Auth:Disabled=true: API keys are not checked; every caller may act for every helpdesk account.")]
    private static partial void LogDisabled(ILogger logger);

    [LoggerMessage(EventId = 2112, Level = LogLevel.Information, Message = "{Count} API key(s) configured; gRPC calls other than health and reflection need one.")]
    private static partial void LogKeys(ILogger logger, int count);
}
