namespace Channel.Contracts;

/// <summary>
/// Describes an attachment; the bytes are not in the event (they are fetched through the gRPC API on demand).
/// </summary>
public sealed record MediaRef
{
    /// <summary>"photo", "document", "video", "audio", "voice", "video_note", "sticker", "animation", "contact", "location", "venue", "poll", "web_page", "dice" ("unsupported" otherwise).</summary>
    public required string Kind { get; init; }

    /// <summary>For a kind with a file: what gRPC TelegramMessages/DownloadMedia takes to fetch it. Opaque.</summary>
    public string? MediaId { get; init; }

    public string? FileName { get; init; }

    public string? MimeType { get; init; }

    /// <summary>Size in bytes, when Telegram says.</summary>
    public long? Size { get; init; }
}
