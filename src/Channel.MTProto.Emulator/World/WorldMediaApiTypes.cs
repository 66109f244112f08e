namespace Channel.MTProto.Emulator.World;

/// <summary>The kinds of media the world API can attach to a message.</summary>
public enum EmulatorMediaKind
{
    /// <summary>messageMediaPhoto: the bytes are the photo's one size.</summary>
    Photo,

    /// <summary>messageMediaDocument with a file name.</summary>
    Document,

    /// <summary>A document with documentAttributeAudio{voice} (audio/ogg by default).</summary>
    Voice,

    /// <summary>A document with documentAttributeVideo (video/mp4 by default).</summary>
    Video,

    /// <summary>A document with documentAttributeAudio (audio/mpeg by default).</summary>
    Audio,

    /// <summary>A document with documentAttributeSticker (image/webp by default).</summary>
    Sticker,

    /// <summary>messageMediaGeo.</summary>
    Geo,

    /// <summary>messageMediaContact.</summary>
    Contact,
}

/// <summary>Media to attach to a message sent through the world API (POST /messages with "media").</summary>
/// <param name="Kind">What to attach.</param>
/// <param name="Content">The file's bytes (file kinds only).</param>
/// <param name="FileName">documentAttributeFilename (documents; default "file").</param>
/// <param name="MimeType">The document's MIME type (default by kind).</param>
/// <param name="DcId">The DC that stores the file (default: the sender's home DC).</param>
/// <param name="DurationSeconds">Voice, audio and video duration.</param>
public sealed record NewMedia(
    EmulatorMediaKind Kind,
    byte[]? Content = null,
    string? FileName = null,
    string? MimeType = null,
    int? DcId = null,
    int? DurationSeconds = null,
    double? Latitude = null,
    double? Longitude = null,
    string? Phone = null,
    string? FirstName = null,
    string? LastName = null);

/// <summary>A message's media as tests and the control API see it.</summary>
/// <param name="Kind">"photo", "document", "voice", "video", "audio", "sticker", "geo" or "contact".</param>
/// <param name="FileId">The photo or document id (file kinds).</param>
/// <param name="Size">Bytes (file kinds).</param>
/// <param name="DcId">The DC that stores the file.</param>
public sealed record EmulatorMedia(
    string Kind,
    long? FileId,
    string? FileName,
    string? MimeType,
    long? Size,
    int? DcId,
    double? Latitude = null,
    double? Longitude = null,
    string? Phone = null,
    string? FirstName = null);

/// <summary>The bytes of a file a message carries, with what the message says about them.</summary>
public sealed record EmulatorFile(byte[] Content, string MimeType, string? FileName, int DcId);
