namespace Channel.Contracts;

/// <summary>
/// A command from the helpdesk: send an agent's reply from the account to a Telegram peer. Consumed from the exchange
/// <c>Channel.Contracts:SendTelegramMessage</c> (MassTransit envelope or raw JSON); the outcome is published as
/// <see cref="OutboundMessageSent"/> or <see cref="OutboundMessageFailed"/>. An account's commands are sent in the
/// order they were consumed. Exactly one of <see cref="PeerUserId"/>, <see cref="PeerUsername"/>,
/// <see cref="PeerPhone"/>, <see cref="PeerChatId"/>, <see cref="PeerChannelId"/> names the peer.
/// </summary>
public sealed record SendTelegramMessage
{
    /// <summary>The version of this record's shape; 1 until a breaking change.</summary>
    public int SchemaVersion { get; init; } = 1;

    public required Guid AccountId { get; init; }

    /// <summary>Repeats of the same key (per account) send nothing new and report the first outcome again; kept at least 24 h.</summary>
    public required string IdempotencyKey { get; init; }

    /// <summary>A user the account knows (it wrote to the account, or was resolved before).</summary>
    public long? PeerUserId { get; init; }

    /// <summary>A public username, with or without '@' (contacts.resolveUsername).</summary>
    public string? PeerUsername { get; init; }

    /// <summary>A phone number in international form (contacts.importContacts).</summary>
    public string? PeerPhone { get; init; }

    /// <summary>A basic group the account is a member of.</summary>
    public long? PeerChatId { get; init; }

    /// <summary>A supergroup or broadcast channel the account is a member of.</summary>
    public long? PeerChannelId { get; init; }

    /// <summary>The text; with <see cref="Media"/>, its caption (may then be empty).</summary>
    public required string Text { get; init; }

    /// <summary>A file to send, uploaded beforehand.</summary>
    public AttachedMedia? Media { get; init; }

    /// <summary>Formatting, in the same format as the inbound events' entities.</summary>
    public IReadOnlyList<MessageEntity>? Entities { get; init; }

    public int? ReplyToMessageId { get; init; }
}
