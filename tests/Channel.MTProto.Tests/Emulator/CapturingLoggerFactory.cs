using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Channel.MTProto.Tests.Emulator;

/// <summary>Collects what the emulator logs, so tests can check that a closed connection says why.</summary>
internal sealed class CapturingLoggerFactory : ILoggerFactory
{
    private readonly ConcurrentQueue<(LogLevel Level, string Message)> _entries = new();

    public IReadOnlyList<(LogLevel Level, string Message)> Entries => [.. _entries];

    /// <summary>
    /// Waits until a matching entry is logged: the server may close a socket a moment before it logs why.
    /// Returns false if <paramref name="ct"/> ends the wait first.
    /// </summary>
    public async Task<bool> WaitForAsync(Func<(LogLevel Level, string Message), bool> predicate, CancellationToken ct)
    {
        while (!_entries.Any(predicate))
        {
            try
            {
                await Task.Delay(20, ct);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        return true;
    }

    public ILogger CreateLogger(string categoryName) => new Logger(_entries);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<(LogLevel Level, string Message)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => entries.Enqueue((logLevel, formatter(state, exception)));
    }
}
