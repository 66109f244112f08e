using Channel.MTProto.Media;

namespace Channel.Service.Media;

/// <summary>A download under way: what the file is, and its bytes from the requested offset, in order.</summary>
internal sealed record MediaDownload(DownloadableMedia Media, long Offset, IAsyncEnumerable<ReadOnlyMemory<byte>> Content);
