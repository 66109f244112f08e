namespace Channel.MTProto.Media;

/// <summary>How downloads and uploads use their connections.</summary>
public sealed class MediaTransferOptions
{
    /// <summary>upload.getFile requests in flight per download.</summary>
    public int DownloadParallelism { get; set; } = 4;

    /// <summary>upload.saveFilePart requests in flight per upload.</summary>
    public int UploadParallelism { get; set; } = 4;

    /// <summary>Bytes per upload.getFile: a multiple of 4 KiB that divides 1 MiB (Telegram's rule). Default 1 MiB.</summary>
    public int DownloadPartSize { get; set; } = 1024 * 1024;

    /// <summary>How many FILE_REFERENCE_EXPIRED answers one download refreshes before it gives up.</summary>
    public int MaxReferenceRefreshes { get; set; } = 3;

    /// <exception cref="ArgumentOutOfRangeException">A value outside its range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(DownloadParallelism, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(UploadParallelism, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(MaxReferenceRefreshes);
        if (DownloadPartSize <= 0 || DownloadPartSize % 4096 != 0 || 1024 * 1024 % DownloadPartSize != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(DownloadPartSize), DownloadPartSize, "Must be a multiple of 4096 that divides 1048576.");
        }
    }
}
