using System.Runtime.CompilerServices;
using Channel.Domain.Accounts;
using Channel.MTProto.Accounts;
using Channel.MTProto.Media;
using Channel.MTProto.Peers;
using Channel.Service.Auth;
using Channel.Service.Errors;
using Channel.Service.Outbound;

namespace Channel.Service.Media;

/// <summary>
/// gRPC DownloadMedia: the attachment an inbound event's MediaId names, fetched on the account's live connection
/// (separate download connections per DC, so updates keep flowing), from an offset so a broken download resumes.
/// </summary>
internal sealed class DownloadMediaUseCase(LiveAccountConnections connections)
{
    public const string MediaNotFound = "MEDIA_NOT_FOUND";

    /// <exception cref="RequestValidationException">A malformed media id or offset.</exception>
    /// <exception cref="AccountNotFoundException">No such account for the caller.</exception>
    /// <exception cref="OutboundException">MEDIA_NOT_FOUND, ACCOUNT_NOT_CONNECTED, flood waits and Telegram's refusals.</exception>
    public async Task<MediaDownload> OpenAsync(TelegramAccountId account, string mediaId, long offset, ITenantGuard tenants, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenants);
        var violations = new List<FieldViolation>();
        if (!MediaIds.TryParse(mediaId, out var chat, out var messageId))
        {
            violations.Add(new FieldViolation("media_id", "is not a media id: use the MediaId of an inbound event's media."));
        }

        if (offset < 0)
        {
            violations.Add(new FieldViolation("offset", "must be 0 or a byte offset into the file."));
        }

        RequestValidationException.ThrowIfAny(violations);
        var connection = await connections.GetAsync(account, tenants, cancellationToken);
        DownloadableMedia? media;
        try
        {
            media = await connection.GetMessageMediaAsync(chat, messageId, cancellationToken);
        }
        catch (Exception exception) when (LiveAccountConnections.Translate(exception) is { } failure)
        {
            throw failure;
        }

        if (media is null)
        {
            throw new OutboundException(OutboundFailureKind.NotFound, MediaNotFound, "The message is gone or carries no file.");
        }

        if (offset > media.Size)
        {
            throw new RequestValidationException([new FieldViolation("offset", $"is past the end of the file ({media.Size} bytes).")]);
        }

        return new MediaDownload(media, offset, ContentAsync(connection, media, offset, cancellationToken));
    }

    /// <summary>The connection's bytes, with its failures as the caller's errors (a failure mid-stream ends the stream with that status).</summary>
    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> ContentAsync(IAccountConnection connection, DownloadableMedia media, long offset, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var parts = connection.DownloadAsync(media, offset, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            ReadOnlyMemory<byte> part;
            try
            {
                if (!await parts.MoveNextAsync())
                {
                    yield break;
                }

                part = parts.Current;
            }
            catch (Exception exception) when (LiveAccountConnections.Translate(exception) is { } failure)
            {
                throw failure;
            }

            yield return part;
        }
    }
}
