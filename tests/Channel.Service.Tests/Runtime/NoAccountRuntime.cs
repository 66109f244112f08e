extern alias service;

using Channel.Domain.Accounts;
using Channel.MTProto.Accounts;
using IAccountRuntime = service::Channel.Service.Runtime.IAccountRuntime;

namespace Channel.Service.Tests.Runtime;

/// <summary>A runtime that holds nothing, for services tested on their own.</summary>
internal sealed class NoAccountRuntime : IAccountRuntime
{
    public Task Started => Task.CompletedTask;

    public bool Holds(TelegramAccountId id) => false;

    public AccountConnectionStatus? GetStatus(TelegramAccountId id) => null;

    public IAccountConnection? GetConnection(TelegramAccountId id) => null;

    public Task<IAsyncDisposable> SuspendAsync(TelegramAccountId id, CancellationToken cancellationToken) => Task.FromResult<IAsyncDisposable>(new Nothing());

    private sealed class Nothing : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
