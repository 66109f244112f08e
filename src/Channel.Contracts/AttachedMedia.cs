namespace Channel.Contracts;

/// <summary>A file for <see cref="SendTelegramMessage"/>: uploaded beforehand with gRPC UploadMedia.</summary>
public sealed record AttachedMedia
{
    /// <summary>The upload_id UploadMedia returned.</summary>
    public required Guid UploadId { get; init; }

    /// <summary>"photo", "document" (the default), "voice", "video", "audio" or "sticker".</summary>
    public string Kind { get; init; } = "document";
}
