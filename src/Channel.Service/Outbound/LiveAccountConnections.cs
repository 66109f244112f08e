using Channel.Domain.Accounts;
using Channel.MTProto.Accounts;
using Channel.MTProto.Client;
using Channel.MTProto.Messaging;
using Channel.MTProto.Peers;
using Channel.Persistence;
using Channel.Service.Auth;
using Channel.Service.Runtime;
using Channel.Service.Telegram;
using Microsoft.EntityFrameworkCore;

namespace Channel.Service.Outbound;

/// <summary>
/// The account's live connection for a caller's request (chat actions, media): the account must be the caller's,
/// ACTIVE and connected on this replica. <see cref="Translate"/> turns what the connection throws into the errors
/// callers get.
/// </summary>
internal sealed class LiveAccountConnections(IServiceScopeFactory scopes, IAccountRuntime runtime)
{
    /// <exception cref="AccountNotFoundException">No such account for the caller.</exception>
    /// <exception cref="OutboundException">ACCOUNT_NOT_ACTIVE, ACCOUNT_NOT_CONNECTED.</exception>
    public async Task<IAccountConnection> GetAsync(TelegramAccountId account, ITenantGuard tenants, CancellationToken cancellationToken)
    {
        await EnsureActiveAsync(account, tenants, cancellationToken);
        return runtime.GetConnection(account) ?? throw new OutboundException(
            OutboundFailureKind.FailedPrecondition, OutboundReasons.AccountNotConnected, "The account is not connected on this replica right now; try again shortly.");
    }

    /// <summary>The account is the caller's and ACTIVE (connected or not).</summary>
    /// <exception cref="AccountNotFoundException">No such account for the caller.</exception>
    /// <exception cref="OutboundException">ACCOUNT_NOT_ACTIVE.</exception>
    public async Task EnsureActiveAsync(TelegramAccountId account, ITenantGuard tenants, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenants);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
        var found = await db.Accounts.AsNoTracking().Where(a => a.Id == account).Select(a => new { a.Status, a.HelpdeskAccountId }).SingleOrDefaultAsync(cancellationToken);
        if (found is null || !tenants.CanActFor(found.HelpdeskAccountId))
        {
            throw new AccountNotFoundException(account);
        }

        if (found.Status != AccountStatus.Active)
        {
            throw SendMessageUseCase.FailureOf(OutboundReasons.AccountNotActive);
        }
    }

    /// <summary>The caller's error for what a call on the connection threw; null: not a Telegram failure (rethrow it as it is).</summary>
    public static OutboundException? Translate(Exception exception) => exception switch
    {
        PeerNotCachedException => SendMessageUseCase.FailureOf(OutboundReasons.PeerNotFound),
        MessageTooLongException => SendMessageUseCase.FailureOf(OutboundReasons.MessageTooLong),
        FloodWaitException flood => new OutboundException(OutboundFailureKind.FloodWait, OutboundReasons.FloodWait, "Telegram asks the account to wait; see RetryInfo.", flood.Wait, flood),
        TelegramRpcException { Code: >= 400 and < 500 } rpc => new OutboundException(
            OutboundFailureKind.FailedPrecondition, rpc.ErrorName, "Telegram refused the request; see the ErrorInfo reason.", innerException: rpc),
        _ when TelegramFailures.IsUnreachable(exception) || exception is TelegramRpcException => new OutboundException(
            OutboundFailureKind.Unavailable, TelegramFailures.Unreachable, "Telegram did not answer; try again.", innerException: exception),
        _ => null,
    };
}
