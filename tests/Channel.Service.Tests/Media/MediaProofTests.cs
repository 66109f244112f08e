using System.Security.Cryptography;
using Channel.Grpc.V1;
using Channel.MTProto.Emulator.World;
using Channel.Service.Tests.Inbound;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;

namespace Channel.Service.Tests.Media;

/// <summary>
/// Files both ways end to end: the real host, our emulator over TCP (its file store and getFile rules), a real
/// RabbitMQ. What the customer received is read back from the emulator's store, never from our side.
/// </summary>
public sealed class MediaProofTests
{
    private const int MiB = 1024 * 1024;
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(2);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CustomerPosts20MiBDocumentAndPhotoOnAnotherDc_HelpdeskDownloadsByteIdenticalCopies_AndResumesFromAnOffset()
    {
        await using var rig = await InboundRig.StartAsync(Ct);
        await using var bus = await BusCollector.StartAsync(rig.BrokerUri, Ct, "InboundMessageReceived");
        var account = await rig.ConnectedAccountAsync("+99966 2 6001");
        var customer = rig.World.CreateUser(new NewUser("+447700900601", "Hal", "Files", "hal_files"));
        var document = Bytes(20 * MiB);
        var photo = Png();
        rig.World.SendMedia(customer.Phone, "9996626001", "the report", new NewMedia(EmulatorMediaKind.Document, document, "report.pdf", "application/pdf"));
        // The photo lives on DC 4: the client follows FILE_MIGRATE_4 with an exported authorization.
        rig.World.SendMedia(customer.Phone, "9996626001", null, new NewMedia(EmulatorMediaKind.Photo, photo, DcId: 4));

        var events = await bus.WaitAsync(r => r.Count(e => e.Type == "InboundMessageReceived") >= 2, Long);
        var medias = events.Where(e => e.Type == "InboundMessageReceived").Select(e => e.Message.GetProperty("media")).ToList();
        var documentRef = Assert.Single(medias, m => m.GetProperty("kind").GetString() == "document");
        var photoRef = Assert.Single(medias, m => m.GetProperty("kind").GetString() == "photo");
        Assert.Equal("report.pdf", documentRef.GetProperty("fileName").GetString());
        Assert.Equal("application/pdf", documentRef.GetProperty("mimeType").GetString());
        Assert.Equal(document.Length, documentRef.GetProperty("size").GetInt64());
        Assert.Equal(photo.Length, photoRef.GetProperty("size").GetInt64());

        var messages = new TelegramMessages.TelegramMessagesClient(rig.Host.Channel);
        var (info, downloaded) = await DownloadAsync(messages, account.Id, documentRef.GetProperty("mediaId").GetString()!, offset: 0);
        Assert.Equal("document", info.Kind);
        Assert.Equal("report.pdf", info.FileName);
        Assert.Equal(document.Length, info.Size);
        Assert.Equal(SHA256.HashData(document), SHA256.HashData(downloaded));

        // A broken download resumes from what arrived (an offset that is no part boundary).
        const int resumeAt = (5 * MiB) + 12_345;
        var (resumedInfo, tail) = await DownloadAsync(messages, account.Id, documentRef.GetProperty("mediaId").GetString()!, resumeAt);
        Assert.Equal(resumeAt, resumedInfo.Offset);
        Assert.Equal(SHA256.HashData(document.AsSpan(resumeAt)), SHA256.HashData(tail));

        var (photoInfo, photoBytes) = await DownloadAsync(messages, account.Id, photoRef.GetProperty("mediaId").GetString()!, offset: 0);
        Assert.Equal("photo", photoInfo.Kind);
        Assert.Equal(photo, photoBytes);
        Assert.Contains(rig.World.Connections("9996626001"), c => c.DcId == 4);
    }

    [Fact]
    public async Task AgentUploads12MiB_CustomerReceivesItIntact_OnceForRepeatedKeys()
    {
        await using var rig = await InboundRig.StartAsync(Ct, "--Outbound:SendInterval=00:00:00");
        var account = await rig.ConnectedAccountAsync("+99966 2 6002");
        var customer = rig.World.CreateUser(new NewUser("+447700900602", "Ida", "Upload", "ida_upload"));
        var messages = new TelegramMessages.TelegramMessagesClient(rig.Host.Channel);
        var file = Bytes(12 * MiB);

        var upload = await UploadAsync(messages, account.Id, "manual.pdf", "application/pdf", file, file.Length);
        Assert.Equal(file.Length, upload.Size);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(file)), upload.Sha256);

        var request = new SendMessageRequest
        {
            AccountId = account.Id,
            Peer = new Peer { Username = "ida_upload" },
            Text = "The manual you asked for",
            Media = new AttachedMedia { UploadId = upload.UploadId, Kind = "document" },
            IdempotencyKey = "manual-1",
        };
        var sent = await messages.SendMessageAsync(request, cancellationToken: Ct);
        var again = await messages.SendMessageAsync(request, cancellationToken: Ct);
        Assert.Equal(sent.TelegramMessageId, again.TelegramMessageId);

        var received = Assert.Single(rig.World.ReceivedMessages(customer.Phone));
        Assert.Equal("The manual you asked for", received.Text);
        var stored = rig.World.MessageFile(customer.Phone, received.Id);
        Assert.NotNull(stored);
        Assert.Equal("manual.pdf", stored.FileName);
        Assert.Equal("application/pdf", stored.MimeType);
        Assert.Equal(SHA256.HashData(file), SHA256.HashData(stored.Content));
    }

    [Fact]
    public async Task BadUploadsAndDownloads_ClearErrors_NothingSent()
    {
        await using var rig = await InboundRig.StartAsync(Ct, "--Media:MaxUploadBytes=1000000");
        var account = await rig.ConnectedAccountAsync("+99966 2 6003");
        var customer = rig.World.CreateUser(new NewUser("+447700900603", "Jo", "Limits", "jo_limits"));
        var messages = new TelegramMessages.TelegramMessagesClient(rig.Host.Channel);

        var tooLarge = await Assert.ThrowsAsync<RpcException>(() => UploadAsync(messages, account.Id, "big.bin", "application/octet-stream", new byte[10], announced: 1_000_001));
        AssertViolation(tooLarge, "info.size");
        var truncated = await Assert.ThrowsAsync<RpcException>(() => UploadAsync(messages, account.Id, "short.bin", "application/octet-stream", new byte[10], announced: 20));
        AssertViolation(truncated, "data");
        var pathName = await Assert.ThrowsAsync<RpcException>(() => UploadAsync(messages, account.Id, "../etc/passwd", "text/plain", new byte[10], announced: 10));
        AssertViolation(pathName, "info.file_name");

        var unknownUpload = await Assert.ThrowsAsync<RpcException>(() => messages.SendMessageAsync(new SendMessageRequest
        {
            AccountId = account.Id, Peer = new Peer { Username = "jo_limits" }, Media = new AttachedMedia { UploadId = Guid.NewGuid().ToString() }, IdempotencyKey = "x",
        }, cancellationToken: Ct).ResponseAsync);
        AssertViolation(unknownUpload, "media.upload_id");
        var badKind = await Assert.ThrowsAsync<RpcException>(() => messages.SendMessageAsync(new SendMessageRequest
        {
            AccountId = account.Id, Peer = new Peer { Username = "jo_limits" }, Media = new AttachedMedia { UploadId = Guid.NewGuid().ToString(), Kind = "hologram" }, IdempotencyKey = "y",
        }, cancellationToken: Ct).ResponseAsync);
        AssertViolation(badKind, "media.kind");
        Assert.Empty(rig.World.ReceivedMessages(customer.Phone));

        var badId = await Assert.ThrowsAsync<RpcException>(() => DownloadAsync(messages, account.Id, "not-a-media-id", 0));
        AssertViolation(badId, "media_id");
        var gone = await Assert.ThrowsAsync<RpcException>(() => DownloadAsync(messages, account.Id, $"user:{customer.Id}:999999", 0));
        Assert.Equal(StatusCode.NotFound, gone.StatusCode);
        Assert.Equal("MEDIA_NOT_FOUND", Assert.Single(gone.GetRpcStatus()!.Details, d => d.Is(ErrorInfo.Descriptor)).Unpack<ErrorInfo>().Reason);
    }

    private static void AssertViolation(RpcException error, string field)
    {
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var badRequest = Assert.Single(error.GetRpcStatus()!.Details, d => d.Is(BadRequest.Descriptor)).Unpack<BadRequest>();
        Assert.Contains(badRequest.FieldViolations, v => v.Field == field);
    }

    private static async Task<(MediaInfo Info, byte[] Content)> DownloadAsync(TelegramMessages.TelegramMessagesClient messages, string accountId, string mediaId, long offset)
    {
        using var call = messages.DownloadMedia(new DownloadMediaRequest { AccountId = accountId, MediaId = mediaId, Offset = offset }, cancellationToken: Ct);
        MediaInfo? info = null;
        using var content = new MemoryStream();
        await foreach (var part in call.ResponseStream.ReadAllAsync(Ct))
        {
            if (part.PartCase == DownloadMediaResponse.PartOneofCase.Info)
            {
                Assert.Null(info);
                info = part.Info;
            }
            else
            {
                Assert.NotNull(info);
                part.Data.WriteTo(content);
            }
        }

        Assert.NotNull(info);
        return (info, content.ToArray());
    }

    private static async Task<UploadMediaResponse> UploadAsync(TelegramMessages.TelegramMessagesClient messages, string accountId, string fileName, string mimeType, byte[] content, long announced)
    {
        using var call = messages.UploadMedia(cancellationToken: Ct);
        await call.RequestStream.WriteAsync(new UploadMediaRequest { Info = new UploadInfo { AccountId = accountId, FileName = fileName, MimeType = mimeType, Size = announced } }, Ct);
        for (var offset = 0; offset < content.Length; offset += MiB)
        {
            var chunk = content.AsMemory(offset, Math.Min(MiB, content.Length - offset));
            await call.RequestStream.WriteAsync(new UploadMediaRequest { Data = ByteString.CopyFrom(chunk.Span) }, Ct);
        }

        await call.RequestStream.CompleteAsync();
        return await call;
    }

    private static byte[] Bytes(int length) => RandomNumberGenerator.GetBytes(length);

    /// <summary>A PNG signature and IHDR (4 × 3) followed by noise: the emulator reads dimensions, it does not decode.</summary>
    private static byte[] Png()
    {
        byte[] header = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 4, 0, 0, 0, 3, 8, 2, 0, 0, 0];
        return [.. header, .. Bytes(300_000)];
    }
}
