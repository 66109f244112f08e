using Channel.Domain.Accounts;
using Channel.MTProto.Accounts;

namespace Channel.Service.Runtime;

/// <summary>What the rest of the service asks of the account runtime (<see cref="AccountRuntime"/>).</summary>
internal interface IAccountRuntime
{
    /// <summary>Completes once the runtime has taken up the Active accounts it found at start-up.</summary>
    Task Started { get; }

    /// <summary>Whether this replica holds the account's live connection.</summary>
    bool Holds(TelegramAccountId id);

    /// <summary>The account's connection as GetAccount shows it; null when this replica holds none.</summary>
    AccountConnectionStatus? GetStatus(TelegramAccountId id);

    /// <summary>The account's live connection while it is connected on this replica (for sends and chat actions); null otherwise.</summary>
    IAccountConnection? GetConnection(TelegramAccountId id);

    /// <summary>Stops the live connection (saving its session) until the handle is disposed.</summary>
    Task<IAsyncDisposable> SuspendAsync(TelegramAccountId id, CancellationToken cancellationToken);
}
