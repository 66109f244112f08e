using System.Security.Cryptography;
using Channel.Persistence;
using Channel.Persistence.Media;
using Channel.Service.Auth;
using Channel.Service.Errors;
using Channel.Service.Outbound;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Channel.Service.Media;

/// <summary>
/// gRPC UploadMedia: takes an agent's file for a later reply and keeps it in the database (<see cref="MediaUpload"/>),
/// so that the send, wherever and however often it runs, finds the same bytes. The announced size is checked against
/// <c>Media:MaxUploadBytes</c> before any byte is read, and the bytes must match it exactly.
/// </summary>
internal sealed partial class UploadMediaUseCase(
    IServiceScopeFactory scopes, LiveAccountConnections accounts, IOptions<MediaOptions> options, TimeProvider time, ILogger<UploadMediaUseCase> logger)
{
    /// <summary>Reads buffers of at most this size: the buffer grows with what arrives, never with what was announced.</summary>
    private const int GrowthStep = 1024 * 1024;

    /// <exception cref="RequestValidationException">A bad header, too large a file, or bytes that do not match the size.</exception>
    /// <exception cref="AccountNotFoundException">No such account for the caller.</exception>
    /// <exception cref="OutboundException">ACCOUNT_NOT_ACTIVE: files are for replies, which need an ACTIVE account.</exception>
    public async Task<MediaUpload> StoreAsync(MediaUploadRequest request, IAsyncEnumerable<ReadOnlyMemory<byte>> content, ITenantGuard tenants, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(tenants);
        RequestValidationException.ThrowIfAny(Validate(request, options.Value.MaxUploadBytes));
        await accounts.EnsureActiveAsync(request.AccountId, tenants, cancellationToken);

        var bytes = await ReadExactlyAsync(content, request.Size, cancellationToken);
        var upload = new MediaUpload
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()),
            AccountId = request.AccountId,
            FileName = request.FileName,
            MimeType = request.MimeType,
            Size = bytes.Length,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)),
            Content = bytes,
            CreatedAt = time.GetUtcNow(),
        };

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();

        // Pruning rides on uploads: with no uploads there is nothing new to prune.
        var expired = upload.CreatedAt - options.Value.UploadRetention;
        var pruned = await db.MediaUploads.Where(u => u.CreatedAt < expired).ExecuteDeleteAsync(cancellationToken);
        db.MediaUploads.Add(upload);
        await db.SaveChangesAsync(cancellationToken);
        LogStored(logger, request.AccountId, upload.Id, upload.Size, pruned);
        return upload;
    }

    private static List<FieldViolation> Validate(MediaUploadRequest request, long maxBytes)
    {
        var violations = new List<FieldViolation>();
        if (string.IsNullOrWhiteSpace(request.FileName) || request.FileName.Length > MediaUpload.MaxFileNameLength || request.FileName.AsSpan().IndexOfAny('/', '\\') >= 0)
        {
            violations.Add(new FieldViolation("info.file_name", $"is required: a file name of 1 to {MediaUpload.MaxFileNameLength} characters, without a path."));
        }

        if (request.MimeType.Length > MediaUpload.MaxMimeTypeLength || request.MimeType.Split('/') is not [{ Length: > 0 }, { Length: > 0 }])
        {
            violations.Add(new FieldViolation("info.mime_type", "must be a MIME type such as image/jpeg or application/pdf."));
        }

        if (request.Size <= 0)
        {
            violations.Add(new FieldViolation("info.size", "must be the file's size in bytes (Telegram sends no empty files)."));
        }
        else if (request.Size > maxBytes)
        {
            violations.Add(new FieldViolation("info.size", $"is {request.Size} bytes; this service accepts files up to {maxBytes} bytes (Media:MaxUploadBytes)."));
        }

        return violations;
    }

    private static async Task<byte[]> ReadExactlyAsync(IAsyncEnumerable<ReadOnlyMemory<byte>> content, long size, CancellationToken cancellationToken)
    {
        var buffer = new byte[Math.Min(size, GrowthStep)];
        long length = 0;
        await foreach (var chunk in content.WithCancellation(cancellationToken))
        {
            if (length + chunk.Length > size)
            {
                throw new RequestValidationException([new FieldViolation("data", $"more bytes arrived than info.size announced ({size}).")]);
            }

            if (length + chunk.Length > buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min(size, Math.Max(buffer.Length * 2L, length + chunk.Length)));
            }

            chunk.Span.CopyTo(buffer.AsSpan((int)length));
            length += chunk.Length;
        }

        if (length != size)
        {
            throw new RequestValidationException([new FieldViolation("data", $"{length} bytes arrived; info.size announced {size}. The upload was not kept.")]);
        }

        return buffer;
    }

    [LoggerMessage(EventId = 5200, Level = LogLevel.Information, Message = "Account {AccountId}: upload {UploadId} kept ({Size} bytes); {Pruned} expired uploads pruned.")]
    private static partial void LogStored(ILogger logger, Domain.Accounts.TelegramAccountId accountId, Guid uploadId, long size, int pruned);
}
