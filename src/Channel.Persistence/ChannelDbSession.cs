using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Channel.Persistence;

/// <summary>
/// A scope whose <see cref="ChannelDbContext"/> keeps its connection open, shared by the consecutive units of work of
/// one background loop (the outbox dispatcher, the inbound store writer): for up to <see cref="MaxLifetime"/>, and
/// only while the units follow each other within <see cref="IdleLimit"/>, so a connection that sat idle (and may have
/// been cut by a database restart) is not reused. A new scope and a connection opened per unit of work (EF opens one
/// per statement outside a transaction; a SQLite open also sets the pragmas and registers EF's functions again) were
/// a large part of a small unit's cost under a steady trickle of messages. The loop calls <see cref="ResetAsync"/>
/// after a failure, so a broken connection or stale state is not reused. One loop only: not thread-safe.
/// </summary>
public sealed class ChannelDbSession(IServiceScopeFactory scopes, TimeProvider time) : IAsyncDisposable
{
    /// <summary>A scope is not reused for longer than this, however busy.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(1);

    /// <summary>A scope unused for longer is not reused.</summary>
    public static readonly TimeSpan IdleLimit = TimeSpan.FromSeconds(5);

    private AsyncServiceScope? _scope;
    private DateTimeOffset _endsAt;
    private DateTimeOffset _lastUsed;

    /// <summary>The current scope's services, opening a new scope (and its connection) when there is none or it is too old.</summary>
    public async Task<IServiceProvider> GetAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_scope is { } current && now < _endsAt && now - _lastUsed < IdleLimit)
        {
            _lastUsed = now;
            return current.ServiceProvider;
        }

        await ResetAsync();
        var scope = scopes.CreateAsyncScope();
        try
        {
            await scope.ServiceProvider.GetRequiredService<ChannelDbContext>().Database.OpenConnectionAsync(cancellationToken);
        }
        catch
        {
            await scope.DisposeAsync();
            throw;
        }

        _scope = scope;
        _endsAt = now + MaxLifetime;
        _lastUsed = now;
        return scope.ServiceProvider;
    }

    /// <summary>Disposes the current scope (closing its connection); the next <see cref="GetAsync"/> opens a new one.</summary>
    public async ValueTask ResetAsync()
    {
        if (_scope is { } scope)
        {
            _scope = null;
            await scope.DisposeAsync();
        }
    }

    public ValueTask DisposeAsync() => ResetAsync();
}
