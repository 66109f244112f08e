namespace Channel.Service.Media;

/// <summary><c>Media:*</c>: limits of the files agents upload and how long they are kept.</summary>
internal sealed class MediaOptions
{
    public const string Section = "Media";

    /// <summary>The ceiling of the configurable upload size: an upload is one database value (Telegram's own limit is 2 GiB).</summary>
    public const long MaxUploadBytesCeiling = 1024L * 1024 * 1024;

    /// <summary>The largest file UploadMedia accepts. Uploads are held in the database until sent, so the default is modest.</summary>
    public long MaxUploadBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>How long an upload stays attachable; older ones are pruned.</summary>
    public TimeSpan UploadRetention { get; set; } = TimeSpan.FromDays(1);
}
