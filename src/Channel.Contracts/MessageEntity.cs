namespace Channel.Contracts;

/// <summary>A formatting or link span of a message text. Offsets and lengths count UTF-16 code units, as Telegram's do.</summary>
public sealed record MessageEntity
{
    /// <summary>
    /// Telegram's entity kind in snake case: "bold", "italic", "underline", "strike", "spoiler", "code", "pre",
    /// "url", "text_url", "email", "phone", "mention", "mention_name", "hashtag", "cashtag", "bot_command",
    /// "blockquote", "custom_emoji"; consumers should ignore kinds they do not know.
    /// </summary>
    public required string Type { get; init; }

    public required int Offset { get; init; }

    public required int Length { get; init; }

    /// <summary>The target of a "text_url".</summary>
    public string? Url { get; init; }

    /// <summary>The language of a "pre" block.</summary>
    public string? Language { get; init; }

    /// <summary>The user of a "mention_name".</summary>
    public long? UserId { get; init; }
}
