using System.Runtime.CompilerServices;
using Channel.Grpc.V1;
using Channel.Service.Errors;
using Channel.Service.Media;
using Grpc.Core;

namespace Channel.Service.Grpc;

/// <summary>The media API's stream messages as the use cases take and give them.</summary>
internal static class MediaMapping
{
    /// <summary>The documented chunk size: under gRPC's 4 MiB message limit, and the size of Telegram's largest part.</summary>
    public const int MaxChunkBytes = 1024 * 1024;

    public static MediaInfo ToInfo(this MediaDownload download) => new()
    {
        Kind = MediaKinds.Of(download.Media.Kind),
        FileName = download.Media.FileName ?? string.Empty,
        MimeType = download.Media.MimeType,
        Size = download.Media.Size,
        Offset = download.Offset,
    };

    /// <summary>The data messages after info; another info, or a chunk over 1 MiB, is a bad request.</summary>
    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> DataParts(this IAsyncStreamReader<UploadMediaRequest> stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await stream.MoveNext(cancellationToken))
        {
            var part = stream.Current;
            if (part.PartCase != UploadMediaRequest.PartOneofCase.Data)
            {
                throw new RequestValidationException([new FieldViolation("info", "only the first message of the stream carries info; the rest carry data.")]);
            }

            if (part.Data.Length > MaxChunkBytes)
            {
                throw new RequestValidationException([new FieldViolation("data", $"chunks must be at most {MaxChunkBytes} bytes.")]);
            }

            yield return part.Data.Memory;
        }
    }
}
