using Channel.MTProto.Messaging;
using Channel.MTProto.Peers;
using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.Media;

/// <summary>
/// A file a message carries (a photo's largest size or a document), as <c>GetMessageMediaAsync</c> found it: what it
/// is and where it lives. Pass it to <c>DownloadAsync</c>; the file reference inside is refreshed there when Telegram
/// says it expired, by fetching the message again.
/// </summary>
public sealed class DownloadableMedia
{
    private readonly Lock _lock = new();
    private byte[] _fileReference;
    private int _servingDcId;

    internal DownloadableMedia(MediaKind kind, long size, string? fileName, string mimeType, int dcId, bool isPhoto, long fileId, long accessHash, byte[] fileReference, string thumbSize, PeerId chat, int messageId)
    {
        Kind = kind;
        Size = size;
        FileName = fileName;
        MimeType = mimeType;
        DcId = dcId;
        _servingDcId = dcId;
        IsPhoto = isPhoto;
        FileId = fileId;
        AccessHash = accessHash;
        _fileReference = fileReference;
        ThumbSize = thumbSize;
        Chat = chat;
        MessageId = messageId;
    }

    /// <summary>Photo, document, voice, video, audio, sticker, …</summary>
    public MediaKind Kind { get; }

    /// <summary>Bytes (for a photo, its largest size).</summary>
    public long Size { get; }

    /// <summary>The document's file name attribute, if any (photos have none).</summary>
    public string? FileName { get; }

    /// <summary>The document's MIME type; image/jpeg for photos.</summary>
    public string MimeType { get; }

    /// <summary>The DC the message says stores the file.</summary>
    public int DcId { get; }

    internal bool IsPhoto { get; }

    internal long FileId { get; }

    internal long AccessHash { get; }

    /// <summary>The photo size type ("y", "w"…); empty for a document.</summary>
    internal string ThumbSize { get; }

    /// <summary>The message the media came from (to refresh the file reference).</summary>
    internal PeerId Chat { get; }

    internal int MessageId { get; }

    /// <summary>Where downloads go: <see cref="DcId"/> until a FILE_MIGRATE_X says otherwise.</summary>
    internal int ServingDcId
    {
        get => Volatile.Read(ref _servingDcId);
        set => Volatile.Write(ref _servingDcId, value);
    }

    internal byte[] FileReference
    {
        get
        {
            lock (_lock)
            {
                return _fileReference;
            }
        }

        set
        {
            lock (_lock)
            {
                _fileReference = value;
            }
        }
    }

    /// <summary>The upload.getFile location with the current file reference.</summary>
    internal InputFileLocationBase Location(byte[] fileReference) => IsPhoto
        ? new InputPhotoFileLocation { Id = FileId, AccessHash = AccessHash, FileReference = fileReference, ThumbSize = ThumbSize }
        : new InputDocumentFileLocation { Id = FileId, AccessHash = AccessHash, FileReference = fileReference, ThumbSize = string.Empty };

    public override string ToString() => $"{Kind} {FileName ?? FileId.ToString(System.Globalization.CultureInfo.InvariantCulture)} ({Size} bytes, DC {DcId})";
}
