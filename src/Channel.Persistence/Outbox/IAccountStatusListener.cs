using Channel.Domain.Accounts;

namespace Channel.Persistence.Outbox;

/// <summary>
/// Told in-process when an account's status change has committed (the runtime starts or stops its connection).
/// Register as many as needed (<c>services.AddSingleton&lt;IAccountStatusListener, …&gt;()</c>); each is called
/// synchronously on the thread that committed, after the commit, once per status change in order. Exceptions are
/// logged and swallowed. Keep it quick (hand work to a queue) and do not depend on <see cref="ChannelDbContext"/>
/// in the constructor (use IServiceScopeFactory): listeners are resolved with the context.
/// </summary>
public interface IAccountStatusListener
{
    void OnAccountStatusChanged(TelegramAccountId accountId, AccountStatus status);

    /// <summary>The account and its rows are deleted (no <see cref="AccountStatus"/> member says so). Default: nothing.</summary>
    void OnAccountDeleted(TelegramAccountId accountId)
    {
    }
}
