namespace Channel.MTProto.Media;

/// <summary>An uploaded file and how to send it (see <c>SendMediaAsync</c>).</summary>
/// <param name="File">From <c>UploadAsync</c>.</param>
/// <param name="Kind">Photo, document, voice, video, audio or sticker.</param>
/// <param name="MimeType">The document's MIME type (ignored for photos).</param>
/// <param name="FileName">The name the other side sees (documentAttributeFilename).</param>
/// <param name="DurationSeconds">Voice, audio and video: the duration, when known.</param>
public sealed record OutgoingMedia(UploadedFile File, OutgoingMediaKind Kind, string MimeType, string FileName, int? DurationSeconds = null);
