using Channel.Domain.Accounts;
using Channel.MTProto.Accounts;

namespace Channel.Service.Accounts;

/// <summary>An account and, when this replica holds it, its live connection.</summary>
internal sealed record AccountWithConnection(TelegramAccount Account, AccountConnectionStatus? Connection);
