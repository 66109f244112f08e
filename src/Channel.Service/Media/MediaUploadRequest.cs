using Channel.Domain.Accounts;

namespace Channel.Service.Media;

/// <summary>What an upload announces before its bytes (already parsed; <see cref="UploadMediaUseCase"/> validates it).</summary>
internal sealed record MediaUploadRequest(TelegramAccountId AccountId, string FileName, string MimeType, long Size);
