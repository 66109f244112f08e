using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Channel.MTProto.Client;
using Channel.MTProto.Media;
using Channel.MTProto.Messaging;
using Channel.MTProto.Peers;
using Channel.MTProto.Tl;
using Channel.MTProto.Tl.Api;
using TlMessage = Channel.MTProto.Tl.Api.Message;

namespace Channel.MTProto;

/// <summary>
/// Media both ways: find a message's file, download it (parts in flight, any offset, on the file's DC over a media
/// connection, FILE_MIGRATE_X followed, expired file references refreshed), upload files in parts and send them.
/// </summary>
internal sealed partial class TelegramUserClient
{
    /// <summary>Files up to this size go with upload.saveFilePart and an MD5; bigger ones with saveBigFilePart.</summary>
    internal const long MaxSmallFileSize = 10 * 1024 * 1024;

    /// <summary>Every upload part but the last (Telegram's largest).</summary>
    internal const int UploadPartSize = 512 * 1024;

    /// <summary>4000 parts of 512 KiB: Telegram's limit for a file (2000 MiB).</summary>
    internal const int MaxUploadParts = 4000;

    private readonly Lock _mediaLock = new();
    private MediaConnectionPool? _media;

    /// <summary>messages.getMessages (channels.getMessages in a channel) and the message's photo or document; null when
    /// there is no such message or it carries no file.</summary>
    public async Task<DownloadableMedia?> GetMessageMediaAsync(PeerId chat, int messageId, CancellationToken cancellationToken = default)
    {
        InputMessageBase[] ids = [new InputMessageID { Id = messageId }];
        var result = chat.Kind == PeerKind.Channel
            ? await InvokeAsync(new Channels.GetMessages { Channel = _peers.GetInputChannel(chat.Id), Id = ids }, cancellationToken).ConfigureAwait(false)
            : await InvokeAsync(new Messages.GetMessages { Id = ids }, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<MessageBase> messages = result switch
        {
            Messages.MessagesConstructor all => all.Messages,
            Messages.MessagesSlice slice => slice.Messages,
            Messages.ChannelMessages channel => channel.Messages,
            _ => [],
        };
        var message = messages.OfType<TlMessage>().FirstOrDefault(m => m.Id == messageId && PeerId.From(m.PeerId) == chat);
        return message is null ? null : ToDownloadable(message.Media, chat, messageId);
    }

    /// <summary>
    /// The file's bytes from <paramref name="offset"/> to the end, in order, with several upload.getFile requests in
    /// flight (<see cref="MediaTransferOptions.DownloadParallelism"/>). Requests start on a part boundary (Telegram's
    /// alignment rules); the bytes before <paramref name="offset"/> are trimmed.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The offset is negative or past the end.</exception>
    /// <exception cref="TelegramRpcException">Telegram refused (e.g. FILE_REFERENCE_EXPIRED again after the refreshes, LOCATION_INVALID).</exception>
    public async IAsyncEnumerable<ReadOnlyMemory<byte>> DownloadAsync(DownloadableMedia media, long offset, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(media);
        if (offset < 0 || offset > media.Size)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"Must be between 0 and the file's size ({media.Size}).");
        }

        var partSize = _options.Media.DownloadPartSize;
        var next = offset - (offset % partSize);
        var skip = (int)(offset - next);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var inFlight = new Queue<Task<byte[]>>();
        try
        {
            while (true)
            {
                while (inFlight.Count < _options.Media.DownloadParallelism && next < media.Size)
                {
                    inFlight.Enqueue(DownloadPartAsync(media, next, partSize, stop.Token));
                    next += partSize;
                }

                if (!inFlight.TryDequeue(out var part))
                {
                    yield break;
                }

                var bytes = await part.ConfigureAwait(false);
                if (bytes.Length > skip)
                {
                    yield return bytes.AsMemory(skip);
                }

                skip = Math.Max(0, skip - bytes.Length);
                if (bytes.Length < partSize)
                {
                    // The end of the file (it may be shorter than the message said).
                    yield break;
                }
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            foreach (var pending in inFlight)
            {
                try
                {
                    await pending.ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // Abandoned parts: the caller stopped reading or an earlier part failed.
                }
            }
        }
    }

    /// <summary>
    /// Uploads <paramref name="length"/> bytes of <paramref name="content"/> (read in order, from its current position)
    /// in 512 KiB parts, <see cref="MediaTransferOptions.UploadParallelism"/> at a time: up to 10 MiB with
    /// upload.saveFilePart and an MD5, above with upload.saveBigFilePart.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Empty, or over Telegram's 2000 MiB.</exception>
    /// <exception cref="EndOfStreamException">The stream ended before <paramref name="length"/> bytes.</exception>
    public async Task<UploadedFile> UploadAsync(Stream content, long length, string fileName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        if (length <= 0 || length > (long)MaxUploadParts * UploadPartSize)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, $"Telegram takes files of 1 byte to {(long)MaxUploadParts * UploadPartSize} bytes.");
        }

        var big = length > MaxSmallFileSize;
        var parts = (int)((length + UploadPartSize - 1) / UploadPartSize);
        var fileId = BitConverter.ToInt64(RandomNumberGenerator.GetBytes(sizeof(long)));
        var dcId = Session.MainDcId;
        using var md5 = big ? null : IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using var slots = new SemaphoreSlim(_options.Media.UploadParallelism);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sends = new List<Task>(parts);
        try
        {
            for (var part = 0; part < parts; part++)
            {
                var bytes = new byte[(int)Math.Min(UploadPartSize, length - ((long)part * UploadPartSize))];
                await content.ReadExactlyAsync(bytes, stop.Token).ConfigureAwait(false);
                md5?.AppendData(bytes);
                await slots.WaitAsync(stop.Token).ConfigureAwait(false);
                ITlMethod<bool> request = big
                    ? new Upload.SaveBigFilePart { FileId = fileId, FilePart = part, FileTotalParts = parts, Bytes = bytes }
                    : new Upload.SaveFilePart { FileId = fileId, FilePart = part, Bytes = bytes };
                sends.Add(SendPartAsync(dcId, request, slots, stop));
                if (sends.FirstOrDefault(s => s.IsFaulted) is { } failed)
                {
                    await failed.ConfigureAwait(false);
                }
            }

            await Task.WhenAll(sends).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(sends.Select(s => s.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default))).ConfigureAwait(false);

            // A failed part cancels the reading and waiting: report the part's error, not the cancellation it caused.
            if (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested
                && sends.FirstOrDefault(s => s.IsFaulted && s.Exception!.InnerException is not OperationCanceledException) is { } failed)
            {
                await failed.ConfigureAwait(false);
            }

            throw;
        }

        return new UploadedFile(fileId, parts, fileName, md5 is null ? null : Convert.ToHexStringLower(md5.GetHashAndReset()), big, length);
    }

    /// <summary>messages.sendMedia with the caller's random_id (a repeat with the same id is stored once by Telegram).</summary>
    /// <exception cref="MessageTooLongException">The caption is over caption_length_max (checked before sending).</exception>
    public async Task<SentMessage> SendMediaAsync(PeerId peer, OutgoingMedia media, string caption, IReadOnlyList<MessageEntityBase>? entities, long randomId, int? replyToMessageId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(media);
        caption ??= string.Empty;
        var inputPeer = GetInputPeer(peer);
        var maxLength = (await GetConfigAsync(cancellationToken).ConfigureAwait(false)).CaptionLengthMax;
        ThrowIfTooLong(caption, maxLength);
        var request = new Messages.SendMedia
        {
            Peer = inputPeer,
            Media = ToInputMedia(media),
            Message = caption,
            RandomId = randomId,
            ReplyTo = ToInputReplyTo(replyToMessageId),
            Entities = NullIfEmpty(entities),
        };

        return await SendAsync(peer, randomId, request, caption, maxLength, "MEDIA_CAPTION_TOO_LONG", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The photo (largest size) or document of a message's media; null for anything without a file.</summary>
    internal static DownloadableMedia? ToDownloadable(MessageMediaBase? media, PeerId chat, int messageId)
    {
        switch (media)
        {
            case MessageMediaPhoto { Photo: Photo photo }:
            {
                var (type, size) = photo.Sizes
                    .Select(s => s switch
                    {
                        PhotoSize plain => (plain.Type, (long)plain.Size),
                        PhotoSizeProgressive progressive when progressive.Sizes.Count > 0 => (progressive.Type, progressive.Sizes.Max()),
                        _ => (string.Empty, -1L),
                    })
                    .MaxBy(s => s.Item2);
                return size < 0 ? null
                    : new DownloadableMedia(MediaKind.Photo, size, null, "image/jpeg", photo.DcId, isPhoto: true, photo.Id, photo.AccessHash, photo.FileReference, type, chat, messageId);
            }

            case MessageMediaDocument { Document: Document document }:
            {
                var descriptor = InboundEventMapper.MapMedia(media)!;
                return new DownloadableMedia(descriptor.Kind, document.Size, descriptor.FileName, document.MimeType, document.DcId, isPhoto: false,
                    document.Id, document.AccessHash, document.FileReference, string.Empty, chat, messageId);
            }

            default:
                return null;
        }
    }

    private static InputMediaBase ToInputMedia(OutgoingMedia media)
    {
        var file = media.File.ToInputFile();
        if (media.Kind == OutgoingMediaKind.Photo)
        {
            return new InputMediaUploadedPhoto { File = file };
        }

        var duration = media.DurationSeconds ?? 0;
        List<DocumentAttributeBase> attributes = media.Kind switch
        {
            OutgoingMediaKind.Voice => [new DocumentAttributeAudio { Voice = true, Duration = duration }],
            OutgoingMediaKind.Audio => [new DocumentAttributeAudio { Duration = duration }],
            OutgoingMediaKind.Video => [new DocumentAttributeVideo { Duration = duration, SupportsStreaming = true }],
            OutgoingMediaKind.Sticker => [new DocumentAttributeSticker { Alt = string.Empty, Stickerset = new InputStickerSetEmpty() }],
            _ => [],
        };
        attributes.Add(new DocumentAttributeFilename { FileName = media.FileName });
        return new InputMediaUploadedDocument
        {
            File = file,
            MimeType = string.IsNullOrWhiteSpace(media.MimeType) ? "application/octet-stream" : media.MimeType,
            Attributes = attributes,
            ForceFile = media.Kind == OutgoingMediaKind.Document,
        };
    }

    private MediaConnectionPool Media()
    {
        lock (_mediaLock)
        {
            return _media ??= new MediaConnectionPool(
                _client,
                (dcId, token) => InvokeAsync(new Auth.ExportAuthorization { DcId = dcId }, token),
                _logger);
        }
    }

    /// <summary>One upload.getFile, following FILE_MIGRATE_X, refreshing an expired reference, sleeping short flood waits per the policy.</summary>
    private async Task<byte[]> DownloadPartAsync(DownloadableMedia media, long offset, int limit, CancellationToken cancellationToken)
    {
        var migrations = 0;
        var refreshes = 0;
        var floodRetries = 0;
        while (true)
        {
            var reference = media.FileReference;
            try
            {
                var file = await Media().InvokeAsync(media.ServingDcId, new Upload.GetFile { Location = media.Location(reference), Offset = offset, Limit = limit }, cancellationToken).ConfigureAwait(false);
                return file is Upload.File part ? part.Bytes : throw new InvalidOperationException($"upload.getFile answered {file.GetType().Name} (CDN downloads are not asked for).");
            }
            catch (TelegramRpcException ex) when (ex.ErrorName == "FILE_MIGRATE" && ex.MigrateToDc is { } dc && migrations++ < _options.MaxMigrations)
            {
                media.ServingDcId = dc;
            }
            catch (TelegramRpcException ex) when (ex.ErrorName.StartsWith("FILE_REFERENCE_", StringComparison.Ordinal) && refreshes++ < _options.Media.MaxReferenceRefreshes)
            {
                await RefreshReferenceAsync(media, reference, ex, cancellationToken).ConfigureAwait(false);
            }
            catch (TelegramRpcException ex) when (ex.IsFloodWait && _options.FloodWait.ShouldRetry(ex.RetryAfter ?? TimeSpan.Zero, floodRetries))
            {
                floodRetries++;
                await Task.Delay(ex.RetryAfter ?? TimeSpan.Zero, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (TelegramRpcException ex) when (ex.IsFloodWait)
            {
                throw new FloodWaitException(ex.ErrorName, ex.RetryAfter ?? TimeSpan.Zero, ex);
            }
        }
    }

    /// <summary>Fetches the message again for a fresh file reference, unless a parallel part already did.</summary>
    private async Task RefreshReferenceAsync(DownloadableMedia media, byte[] stale, TelegramRpcException error, CancellationToken cancellationToken)
    {
        if (!ReferenceEquals(media.FileReference, stale))
        {
            return;
        }

        var fresh = await GetMessageMediaAsync(media.Chat, media.MessageId, cancellationToken).ConfigureAwait(false);
        if (fresh is null || fresh.FileId != media.FileId || fresh.IsPhoto != media.IsPhoto)
        {
            // The message is gone or carries another file now: the download cannot go on.
            throw error;
        }

        media.FileReference = fresh.FileReference;
    }

    private async Task SendPartAsync(int dcId, ITlMethod<bool> request, SemaphoreSlim slots, CancellationTokenSource stop)
    {
        try
        {
            var floodRetries = 0;
            while (true)
            {
                try
                {
                    if (!await Media().InvokeAsync(dcId, request, stop.Token).ConfigureAwait(false))
                    {
                        throw new InvalidOperationException("Telegram did not store an upload part (boolFalse).");
                    }

                    return;
                }
                catch (TelegramRpcException ex) when (ex.IsFloodWait && _options.FloodWait.ShouldRetry(ex.RetryAfter ?? TimeSpan.Zero, floodRetries))
                {
                    floodRetries++;
                    await Task.Delay(ex.RetryAfter ?? TimeSpan.Zero, _timeProvider, stop.Token).ConfigureAwait(false);
                }
                catch (TelegramRpcException ex) when (ex.IsFloodWait)
                {
                    throw new FloodWaitException(ex.ErrorName, ex.RetryAfter ?? TimeSpan.Zero, ex);
                }
            }
        }
        catch
        {
            // The first failure stops the parts still waiting for a slot.
            await stop.CancelAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            slots.Release();
        }
    }

    private async ValueTask DisposeMediaAsync()
    {
        if (TakeUnderLock(_mediaLock, ref _media) is { } media)
        {
            await media.DisposeAsync().ConfigureAwait(false);
        }
    }
}
