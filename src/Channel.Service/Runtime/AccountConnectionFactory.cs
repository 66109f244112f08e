using Channel.MTProto.Accounts;
using Channel.Service.Telegram;
using Microsoft.Extensions.Options;

namespace Channel.Service.Runtime;

/// <summary>
/// The production connections: our MTProto client over the stored session and peers, built by the same
/// <see cref="TelegramClientFactory"/> as onboarding (DCs, RSA keys, transport), with the runtime's policies for
/// background calls (retries, flood sleeps) and poison batches.
/// </summary>
internal sealed class AccountConnectionFactory(
    TelegramClientFactory clients, IOptions<RuntimeOptions> options, ILoggerFactory loggerFactory, TimeProvider time) : IAccountConnectionFactory
{
    public async Task<IAccountConnection> CreateAsync(RestoredAccount account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        var session = AccountConnection.RestoreSession(account.Session, account.Peers);
        var client = await clients.CreateAsync(account.ApiId, account.ApiHash, session, cancellationToken);
        return AccountConnection.Create(client, new AccountConnectionOptions { MaxHandlerAttempts = options.Value.MaxBatchAttempts }, loggerFactory, time);
    }
}
