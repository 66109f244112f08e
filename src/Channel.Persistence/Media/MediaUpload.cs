using Channel.Domain.Accounts;

namespace Channel.Persistence.Media;

/// <summary>
/// A file an agent uploaded (gRPC UploadMedia) to attach to a reply. Its bytes stay here, not on one replica's disk or
/// in one Telegram session, so the send can run (and run again after a crash) wherever the account's connection is;
/// the send uploads them to Telegram. Kept for a retention period, then pruned.
/// </summary>
public sealed class MediaUpload
{
    public const int MaxFileNameLength = 255;
    public const int MaxMimeTypeLength = 127;

    public required Guid Id { get; init; }

    public required TelegramAccountId AccountId { get; init; }

    public required string FileName { get; init; }

    public required string MimeType { get; init; }

    public required long Size { get; init; }

    /// <summary>SHA-256 of the content, hex: the caller checks what arrived.</summary>
    public required string Sha256 { get; init; }

    public required byte[] Content { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
}
