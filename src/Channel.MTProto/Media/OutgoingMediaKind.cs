namespace Channel.MTProto.Media;

/// <summary>How an uploaded file is sent: which messageMedia the other side sees.</summary>
public enum OutgoingMediaKind
{
    /// <summary>inputMediaUploadedPhoto: shown as a photo (Telegram recompresses it).</summary>
    Photo,

    /// <summary>A file, sent as is (force_file).</summary>
    Document,

    /// <summary>A voice message (documentAttributeAudio with voice; audio/ogg with Opus is what apps play).</summary>
    Voice,

    /// <summary>A video (documentAttributeVideo, streamable).</summary>
    Video,

    /// <summary>Music (documentAttributeAudio).</summary>
    Audio,

    /// <summary>A sticker (documentAttributeSticker; image/webp).</summary>
    Sticker,
}
