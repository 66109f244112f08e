using Channel.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Channel.Persistence.Tests;

/// <summary>
/// The real persistence composition (AddChannelPersistence) over a configuration, with its hosted services started
/// the way the host starts them: migrations first, then DataProtection's key-ring start-up.
/// </summary>
internal sealed class PersistenceHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private PersistenceHarness(ServiceProvider services, CollectingLoggerProvider logs)
    {
        _services = services;
        Logs = logs;
    }

    public CollectingLoggerProvider Logs { get; }

    public IServiceProvider Services => _services;

    public static async Task<PersistenceHarness> StartAsync(
        string contentRoot, IReadOnlyDictionary<string, string?> settings, CancellationToken cancellationToken)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var logs = new CollectingLoggerProvider();
        var services = new ServiceCollection()
            .AddLogging(logging => logging.AddProvider(logs))
            .AddChannelPersistence(configuration, contentRoot)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        foreach (var hosted in services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(cancellationToken);
        }

        return new PersistenceHarness(services, logs);
    }

    public AsyncServiceScope CreateScope() => _services.CreateAsyncScope();

    public async ValueTask DisposeAsync()
    {
        foreach (var hosted in _services.GetServices<IHostedService>().Reverse())
        {
            await hosted.StopAsync(CancellationToken.None);
        }

        await _services.DisposeAsync();
    }
}

internal sealed class CollectingLoggerProvider : ILoggerProvider
{
    private readonly List<(LogLevel Level, string Category, string Message)> _entries = [];

    public IReadOnlyList<(LogLevel Level, string Category, string Message)> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CollectingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (owner._entries)
            {
                owner._entries.Add((logLevel, category, formatter(state, exception)));
            }
        }
    }
}
