using Channel.Domain.Accounts;
using Channel.MTProto.UpdateHandling;

namespace Channel.Service.Runtime;

/// <summary>What an Active account's connection is restored from: no new login, no new key.</summary>
/// <param name="Session">The decrypted MTProto session (auth keys): zero it once the connection has it.</param>
/// <param name="Peers">The stored peer cache (access hashes), if any.</param>
/// <param name="UpdateState">Where the last stored batch left the account; null before the first one.</param>
internal sealed record RestoredAccount(
    TelegramAccountId Id, long HelpdeskAccountId, int ApiId, string ApiHash, byte[] Session, byte[]? Peers, UpdateState? UpdateState);
