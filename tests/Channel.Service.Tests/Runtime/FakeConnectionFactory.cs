extern alias service;

using System.Collections.Concurrent;
using Channel.Domain.Accounts;
using Channel.MTProto.Accounts;
using IAccountConnectionFactory = service::Channel.Service.Runtime.IAccountConnectionFactory;
using RestoredAccount = service::Channel.Service.Runtime.RestoredAccount;

namespace Channel.Service.Tests.Runtime;

/// <summary>Gives the runtime <see cref="FakeAccountConnection"/>s and remembers each one, per account.</summary>
internal sealed class FakeConnectionFactory : IAccountConnectionFactory
{
    private readonly ConcurrentDictionary<TelegramAccountId, ConcurrentQueue<FakeAccountConnection>> _created = new();

    public Task<IAccountConnection> CreateAsync(RestoredAccount account, CancellationToken cancellationToken)
    {
        var connection = new FakeAccountConnection([.. account.Session]);
        _created.GetOrAdd(account.Id, _ => new()).Enqueue(connection);
        return Task.FromResult<IAccountConnection>(connection);
    }

    public IReadOnlyList<FakeAccountConnection> CreatedFor(string accountId) =>
        _created.TryGetValue(new TelegramAccountId(Guid.Parse(accountId)), out var queue) ? [.. queue] : [];
}
