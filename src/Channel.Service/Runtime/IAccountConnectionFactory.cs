using Channel.MTProto.Accounts;

namespace Channel.Service.Runtime;

/// <summary>Builds an account's live connection; tests give the runtime their own.</summary>
internal interface IAccountConnectionFactory
{
    Task<IAccountConnection> CreateAsync(RestoredAccount account, CancellationToken cancellationToken);
}
