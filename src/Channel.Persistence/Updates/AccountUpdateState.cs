using Channel.Domain.Accounts;

namespace Channel.Persistence.Updates;

/// <summary>
/// The runtime's position in one account's Telegram update stream, saved in the same transaction as the outbox
/// rows produced from the updates it covers: after a crash the runtime resumes from here and never loses or
/// re-numbers an event. One row per account (deleted with it).
/// </summary>
public sealed class AccountUpdateState
{
    public required TelegramAccountId AccountId { get; init; }

    /// <summary>The runtime's serialized update state (opaque here; its format is the runtime's).</summary>
    public required byte[] State { get; set; }

    /// <summary>Copies of the main counters, for operators and queries; the runtime reads <see cref="State"/>.</summary>
    public int Pts { get; set; }

    public int Qts { get; set; }

    public int Date { get; set; }

    public int Seq { get; set; }

    /// <summary>The last Sequence assigned to a message event of the account (0 before the first one).</summary>
    public long LastSequence { get; set; }

    public required DateTimeOffset UpdatedAt { get; set; }
}
