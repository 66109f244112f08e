using Channel.Domain.Accounts;

namespace Channel.Persistence.Outbound;

/// <summary>
/// One agent's reply, keyed by (account, idempotency key): recorded as <see cref="OutboundMessageState.Pending"/>
/// with its Telegram random_id BEFORE it is sent, then moved to Sent or Failed. A repeat of the key returns this row's
/// outcome (or, still Pending, sends again with the same random_id, which Telegram stores once). The text is kept
/// only while the row is Pending (a re-send needs it) and cleared once the outcome is known.
/// </summary>
public sealed class OutboundMessage
{
    public const int MaxIdempotencyKeyLength = 128;
    public const int MaxPeerLength = 64;
    public const int MaxReasonLength = 200;

    /// <summary>Increasing: the order in which the account's commands were accepted (the send order of bus commands).</summary>
    public long Id { get; set; }

    public required TelegramAccountId AccountId { get; init; }

    public required string IdempotencyKey { get; init; }

    /// <summary>Derived from (account, key): the same on every replica and after every restart.</summary>
    public required long RandomId { get; init; }

    public required OutboundOrigin Origin { get; init; }

    public OutboundMessageState State { get; set; }

    /// <summary>How the caller named the peer: user_id, username, phone, chat_id or channel_id.</summary>
    public required string PeerKind { get; init; }

    public required string PeerValue { get; init; }

    /// <summary>The resolved chat: "user", "group", "supergroup" or "channel" and its Telegram id (set before the send).</summary>
    public string? ChatKind { get; set; }

    public long? ChatId { get; set; }

    /// <summary>The text while Pending; empty once the outcome is known.</summary>
    public string Text { get; set; } = string.Empty;

    /// <summary>The entities as JSON (the contracts' MessageEntity list) while Pending.</summary>
    public string? Entities { get; set; }

    /// <summary>SHA-256 (hex) of the text: recognises our own message when Telegram replays it (getDifference after a crash).</summary>
    public required string TextHash { get; init; }

    public int? ReplyToMessageId { get; init; }

    /// <summary>The attached upload (<see cref="Media.MediaUpload"/>), if the reply carries a file; the text is then its caption.</summary>
    public Guid? MediaUploadId { get; init; }

    /// <summary>How the file is sent: photo, document, voice, video, audio or sticker (set with <see cref="MediaUploadId"/>).</summary>
    public string? MediaKind { get; init; }

    public int? TelegramMessageId { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    public string? FailureReason { get; set; }

    public bool Retryable { get; set; }

    /// <summary>The bus command's MessageId (null for gRPC): the outcome events' CorrelationId.</summary>
    public Guid? CommandId { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }
}
