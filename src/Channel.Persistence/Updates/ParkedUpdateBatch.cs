using Channel.Domain.Accounts;

namespace Channel.Persistence.Updates;

/// <summary>
/// An update batch the runtime could not turn into events (a bug, an unexpected shape), set aside so that the
/// account's stream goes on. For an operator: <see cref="Summary"/> names update types and ids, never message text.
/// </summary>
public sealed class ParkedUpdateBatch
{
    public const int MaxErrorLength = 2000;
    public const int MaxSummaryLength = 4000;

    public long Id { get; init; }

    public required TelegramAccountId AccountId { get; init; }

    public required DateTimeOffset ParkedAt { get; init; }

    /// <summary>Exception type and message (at most <see cref="MaxErrorLength"/> characters).</summary>
    public required string Error { get; init; }

    /// <summary>Update type names and ids (at most <see cref="MaxSummaryLength"/> characters), no message text.</summary>
    public required string Summary { get; init; }

    /// <summary>The runtime's serialized state or batch, to replay it after a fix (opaque here).</summary>
    public byte[]? State { get; init; }
}
