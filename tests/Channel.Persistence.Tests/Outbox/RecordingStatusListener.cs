using System.Collections.Concurrent;
using Channel.Domain.Accounts;
using Channel.Persistence.Outbox;

namespace Channel.Persistence.Tests.Outbox;

internal sealed class RecordingStatusListener : IAccountStatusListener
{
    public ConcurrentQueue<(TelegramAccountId AccountId, AccountStatus? Status)> Calls { get; } = new();

    public Func<bool>? CommittedProbe { get; set; }

    public ConcurrentQueue<bool> CommittedWhenCalled { get; } = new();

    public void OnAccountStatusChanged(TelegramAccountId accountId, AccountStatus status)
    {
        Calls.Enqueue((accountId, status));
        if (CommittedProbe is { } probe)
        {
            CommittedWhenCalled.Enqueue(probe());
        }
    }

    public void OnAccountDeleted(TelegramAccountId accountId) => Calls.Enqueue((accountId, null));
}
