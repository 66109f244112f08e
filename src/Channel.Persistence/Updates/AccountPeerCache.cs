using Channel.Domain.Accounts;

namespace Channel.Persistence.Updates;

/// <summary>The runtime's serialized peer cache of one account (users, chats, channels and their access hashes).</summary>
public sealed class AccountPeerCache
{
    public required TelegramAccountId AccountId { get; init; }

    /// <summary>Opaque here; its format is the runtime's.</summary>
    public required byte[] Data { get; set; }

    public required DateTimeOffset UpdatedAt { get; set; }
}
