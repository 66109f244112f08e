using Channel.MTProto.Media;
using Channel.MTProto.Messaging;

namespace Channel.Service.Media;

/// <summary>The API's and the events' names for kinds of media: lowercase, snake_case, stable.</summary>
internal static class MediaKinds
{
    /// <summary>What a reply may attach, by the name a request uses.</summary>
    public static readonly IReadOnlyDictionary<string, OutgoingMediaKind> Outgoing = new Dictionary<string, OutgoingMediaKind>(StringComparer.Ordinal)
    {
        ["photo"] = OutgoingMediaKind.Photo,
        ["document"] = OutgoingMediaKind.Document,
        ["voice"] = OutgoingMediaKind.Voice,
        ["video"] = OutgoingMediaKind.Video,
        ["audio"] = OutgoingMediaKind.Audio,
        ["sticker"] = OutgoingMediaKind.Sticker,
    };

    public static string Of(MediaKind kind) => kind switch
    {
        MediaKind.Photo => "photo",
        MediaKind.Document => "document",
        MediaKind.Video => "video",
        MediaKind.Audio => "audio",
        MediaKind.Voice => "voice",
        MediaKind.VideoNote => "video_note",
        MediaKind.Sticker => "sticker",
        MediaKind.Animation => "animation",
        MediaKind.Contact => "contact",
        MediaKind.Geo => "location",
        MediaKind.Venue => "venue",
        MediaKind.Poll => "poll",
        MediaKind.WebPage => "web_page",
        MediaKind.Dice => "dice",
        _ => "unsupported",
    };

    /// <summary>Whether the kind has a file DownloadMedia can fetch.</summary>
    public static bool HasFile(MediaKind kind) => kind is MediaKind.Photo or MediaKind.Document or MediaKind.Video or MediaKind.Audio
        or MediaKind.Voice or MediaKind.VideoNote or MediaKind.Sticker or MediaKind.Animation;
}
