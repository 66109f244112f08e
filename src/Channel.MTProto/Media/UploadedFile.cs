using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.Media;

/// <summary>
/// A file uploaded with <c>UploadAsync</c>, ready to attach (<see cref="OutgoingMedia"/>): Telegram keeps the parts for
/// a while (tens of minutes), so attach it soon. One upload serves one message.
/// </summary>
public sealed record UploadedFile
{
    internal UploadedFile(long fileId, int parts, string name, string? md5Checksum, bool isBig, long length)
    {
        FileId = fileId;
        Parts = parts;
        Name = name;
        Md5Checksum = md5Checksum;
        IsBig = isBig;
        Length = length;
    }

    /// <summary>The random file_id the parts were saved under.</summary>
    public long FileId { get; }

    /// <summary>How many parts were saved.</summary>
    public int Parts { get; }

    /// <summary>The file name sent with it.</summary>
    public string Name { get; }

    /// <summary>Lower-case hex MD5 of the content (small files only; Telegram checks it).</summary>
    public string? Md5Checksum { get; }

    /// <summary>Over 10 MiB: saved with upload.saveBigFilePart (inputFileBig, no MD5).</summary>
    public bool IsBig { get; }

    /// <summary>The content's length in bytes.</summary>
    public long Length { get; }

    internal InputFileBase ToInputFile() => IsBig
        ? new InputFileBig { Id = FileId, Parts = Parts, Name = Name }
        : new InputFile { Id = FileId, Parts = Parts, Name = Name, Md5Checksum = Md5Checksum ?? string.Empty };
}
