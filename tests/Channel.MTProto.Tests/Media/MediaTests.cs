using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Channel.MTProto.Client;
using Channel.MTProto.Emulator.World;
using Channel.MTProto.Media;
using Channel.MTProto.Messaging;
using Channel.MTProto.Peers;
using Channel.MTProto.Tests.UserApi;

namespace Channel.MTProto.Tests.Media;

/// <summary>
/// Media both ways through <see cref="TelegramUserClient"/> against the emulator over TCP: files posted through the
/// control API download byte-identical (any offset, from another DC, after the file reference expired), uploads
/// (small with MD5, big in saveBigFilePart) arrive intact as the control API shows them.
/// </summary>
public sealed class MediaTests : IAsyncLifetime
{
    private const string MePhone = "9996624001";
    private const string SenderPhone = "15550240001";
    private const string RecipientPhone = "15550240002";

    private UserApiHost _host = null!;
    private HttpClient _http = null!;
    private TelegramUserClient _me = null!;
    private EmulatorUser _sender = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _host = await UserApiHost.StartAsync(o =>
        {
            o.DcIds = [2, 4];
            o.World.ControlEndpoint = new IPEndPoint(IPAddress.Loopback, 0);
        });
        _http = new HttpClient { BaseAddress = _host.Emulator.ControlAddress };
        _sender = _host.World.CreateUser(new NewUser(SenderPhone, "Sender"));
        _host.World.CreateUser(new NewUser(RecipientPhone, "Recipient"));
        (_me, _) = await _host.LoginAsync(MePhone);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Download_20MiBDocumentPostedThroughControlApi_ByteIdentical()
    {
        var content = RandomNumberGenerator.GetBytes(20 * 1024 * 1024);
        var messageId = await PostMediaAsync(new { kind = "document", fileName = "big.bin", mimeType = "application/x-test", base64 = content });

        var media = (await _me.GetMessageMediaAsync(PeerId.User(_sender.Id), messageId, Ct))!;
        var watch = Stopwatch.StartNew();
        var downloaded = await DownloadAllAsync(media, 0);
        watch.Stop();

        Assert.Equal(MediaKind.Document, media.Kind);
        Assert.Equal("big.bin", media.FileName);
        Assert.Equal("application/x-test", media.MimeType);
        Assert.Equal(content.Length, media.Size);
        Assert.Equal(SHA256.HashData(content), SHA256.HashData(downloaded));
        TestContext.Current.TestOutputHelper?.WriteLine($"20 MiB download: {watch.Elapsed.TotalMilliseconds:F0} ms, {20 / watch.Elapsed.TotalSeconds:F1} MiB/s");
    }

    [Fact]
    public async Task Download_Photo_ByteIdenticalLargestSize()
    {
        var content = RandomNumberGenerator.GetBytes(700_001);
        var messageId = await PostMediaAsync(new { kind = "photo", base64 = content });

        var media = (await _me.GetMessageMediaAsync(PeerId.User(_sender.Id), messageId, Ct))!;

        Assert.Equal(MediaKind.Photo, media.Kind);
        Assert.Equal("image/jpeg", media.MimeType);
        Assert.Equal(content.Length, media.Size);
        Assert.Equal(content, await DownloadAllAsync(media, 0));
    }

    [Fact]
    public async Task Download_FromOddOffset_ReturnsExactlyTheTail()
    {
        var content = RandomNumberGenerator.GetBytes((3 * 1024 * 1024) + 777);
        var messageId = await PostMediaAsync(new { kind = "document", fileName = "resume.bin", base64 = content });
        var media = (await _me.GetMessageMediaAsync(PeerId.User(_sender.Id), messageId, Ct))!;

        Assert.Equal(content.AsSpan(1_234_567).ToArray(), await DownloadAllAsync(media, 1_234_567));
        Assert.Equal(content.AsSpan(content.Length - 1).ToArray(), await DownloadAllAsync(media, content.Length - 1));
        Assert.Empty(await DownloadAllAsync(media, content.Length));
    }

    [Fact]
    public async Task Download_FileOnAnotherDc_ThroughExportedAuthorization()
    {
        var content = RandomNumberGenerator.GetBytes(1_500_000);
        var messageId = await PostMediaAsync(new { kind = "document", fileName = "far.bin", base64 = content, dc = 4 });
        var media = (await _me.GetMessageMediaAsync(PeerId.User(_sender.Id), messageId, Ct))!;

        var downloaded = await DownloadAllAsync(media, 0);

        Assert.Equal(4, media.DcId);
        Assert.Equal(content, downloaded);
        Assert.Contains(_host.World.Connections(MePhone), c => c.DcId == 4);
    }

    [Fact]
    public async Task Download_FileOnADcNotConfigured_AddressLearnedFromGetConfig()
    {
        const string OnlyDc2Phone = "9996624002";
        var (onlyDc2, _) = await _host.LoginAsync(OnlyDc2Phone, configuredDcs: [2]);
        Assert.Empty(onlyDc2.Client.Addresses.GetEndPoints(4, forMedia: true));
        var content = RandomNumberGenerator.GetBytes(700_000);
        var messageId = await PostMediaAsync(new { kind = "document", fileName = "unlisted.bin", base64 = content, dc = 4 }, OnlyDc2Phone);
        var media = (await onlyDc2.GetMessageMediaAsync(PeerId.User(_sender.Id), messageId, Ct))!;

        var downloaded = await DownloadAllAsync(onlyDc2, media, 0);

        Assert.Equal(4, media.DcId);
        Assert.Equal(content, downloaded);
        Assert.Equal(_host.Emulator.Dcs[4], Assert.Single(onlyDc2.Client.Addresses.GetEndPoints(4, forMedia: true)));
        Assert.Contains(_host.World.Connections(OnlyDc2Phone), c => c.DcId == 4);
    }

    [Fact]
    public async Task Download_DocumentPostedIntoASupergroup_ByteIdenticalThroughChannelsGetMessages_EvenAfterTheReferenceExpired()
    {
        var supergroup = _host.World.CreateChannel("Files", [SenderPhone, MePhone], megagroup: true);
        var content = RandomNumberGenerator.GetBytes(1_200_000);
        using var response = await _http.PostAsJsonAsync(
            "messages",
            new { from = SenderPhone, chat = supergroup.Id, text = "in the group", media = new { kind = "document", fileName = "group.bin", mimeType = "application/x-group", base64 = content } },
            Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var messageId = json.RootElement.GetProperty("id").GetInt32();
        await _me.InvokeAsync(new global::Channel.MTProto.Tl.Api.Messages.GetDialogs { OffsetPeer = new global::Channel.MTProto.Tl.Api.InputPeerEmpty(), Limit = 10 }, Ct); // the channel's access hash

        var media = (await _me.GetMessageMediaAsync(PeerId.Channel(supergroup.Id), messageId, Ct))!;

        Assert.Equal((MediaKind.Document, "group.bin", "application/x-group", (long)content.Length), (media.Kind, media.FileName, media.MimeType, media.Size));
        Assert.Equal(content, await DownloadAllAsync(media, 0));
        Assert.Equal("in the group", _host.World.ChannelMessages(supergroup.Id)[^1].Text);

        // The refresh goes through channels.getMessages too.
        var stale = media.FileReference;
        using var fault = await _http.PostAsync("faults/file-references", null, Ct);
        fault.EnsureSuccessStatusCode();
        Assert.Equal(content, await DownloadAllAsync(media, 0));
        Assert.NotEqual(stale, media.FileReference);
    }

    [Fact]
    public async Task PostMediaIntoASupergroup_NotAMember_400AndNothingPosted()
    {
        var supergroup = _host.World.CreateChannel("Members only", [SenderPhone, MePhone], megagroup: true);
        var before = _host.World.ChannelMessages(supergroup.Id).Count;

        using var response = await _http.PostAsJsonAsync(
            "messages",
            new { from = RecipientPhone, chat = supergroup.Id, media = new { kind = "document", base64 = new byte[] { 1, 2, 3 } } },
            Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, _host.World.ChannelMessages(supergroup.Id).Count);
    }

    [Fact]
    public async Task Download_WithStaleLocation_FollowsFileMigrate()
    {
        var content = RandomNumberGenerator.GetBytes(300_000);
        var messageId = await PostMediaAsync(new { kind = "document", fileName = "moved.bin", base64 = content, dc = 4 });
        var found = (await _me.GetMessageMediaAsync(PeerId.User(_sender.Id), messageId, Ct))!;

        // As if the message had said DC 2: the emulator answers FILE_MIGRATE_4 there.
        found.ServingDcId = 2;

        Assert.Equal(content, await DownloadAllAsync(found, 0));
        Assert.Equal(4, found.ServingDcId);
    }

    [Fact]
    public async Task Download_FileReferenceExpired_RefreshedByRefetchingTheMessage()
    {
        var content = RandomNumberGenerator.GetBytes(2 * 1024 * 1024);
        var messageId = await PostMediaAsync(new { kind = "video", fileName = "clip.mp4", base64 = content, durationSeconds = 3 });
        var media = (await _me.GetMessageMediaAsync(PeerId.User(_sender.Id), messageId, Ct))!;
        var stale = media.FileReference;

        using var fault = await _http.PostAsync("faults/file-references", null, Ct);
        fault.EnsureSuccessStatusCode();
        var error = await Assert.ThrowsAsync<TelegramRpcException>(() => _me.Client.InvokeAsync(
            new global::Channel.MTProto.Tl.Api.Upload.GetFile { Location = media.Location(stale), Offset = 0, Limit = 4096 }, Ct));

        Assert.Equal("FILE_REFERENCE_EXPIRED", error.ErrorName);
        Assert.Equal(content, await DownloadAllAsync(media, 0));
        Assert.NotEqual(stale, media.FileReference);
        Assert.Equal(MediaKind.Video, media.Kind);
    }

    [Fact]
    public async Task Upload_12MiB_BigFileArrivesIntact()
    {
        var content = RandomNumberGenerator.GetBytes(12 * 1024 * 1024);
        var peer = (await _me.ResolvePhoneAsync(RecipientPhone, Ct))!;

        var watch = Stopwatch.StartNew();
        var uploaded = await _me.UploadAsync(new MemoryStream(content), content.Length, "report.pdf", Ct);
        watch.Stop();
        var sent = await _me.SendMediaAsync(peer.Id, new OutgoingMedia(uploaded, OutgoingMediaKind.Document, "application/pdf", "report.pdf"), "the report", [], randomId: 77, replyToMessageId: null, Ct);
        var again = await _me.SendMediaAsync(peer.Id, new OutgoingMedia(uploaded, OutgoingMediaKind.Document, "application/pdf", "report.pdf"), "the report", [], randomId: 77, replyToMessageId: null, Ct);

        Assert.True(uploaded.IsBig);
        Assert.Null(uploaded.Md5Checksum);
        Assert.Equal(24, uploaded.Parts);
        Assert.Equal(sent.Key, again.Key);
        var received = Assert.Single(_host.World.ReceivedMessages(RecipientPhone));
        Assert.Equal("the report", received.Text);
        Assert.Equal(new EmulatorMedia("document", received.Media!.FileId, "report.pdf", "application/pdf", content.Length, 2), received.Media);
        Assert.Equal(content, await _http.GetByteArrayAsync($"users/{RecipientPhone}/messages/{received.Id}/media", Ct));
        TestContext.Current.TestOutputHelper?.WriteLine($"12 MiB upload: {watch.Elapsed.TotalMilliseconds:F0} ms, {12 / watch.Elapsed.TotalSeconds:F1} MiB/s");
    }

    [Fact]
    public async Task Upload_300KiB_SmallFileWithMd5_ArrivesIntactAsVoice()
    {
        var content = RandomNumberGenerator.GetBytes(300 * 1024);
        var peer = (await _me.ResolvePhoneAsync(RecipientPhone, Ct))!;

        var uploaded = await _me.UploadAsync(new MemoryStream(content), content.Length, "note.ogg", Ct);
        await _me.SendMediaAsync(peer.Id, new OutgoingMedia(uploaded, OutgoingMediaKind.Voice, "audio/ogg", "note.ogg", DurationSeconds: 4), string.Empty, [], randomId: 78, replyToMessageId: null, Ct);

        Assert.False(uploaded.IsBig);
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(content)), uploaded.Md5Checksum);
        var received = Assert.Single(_host.World.ReceivedMessages(RecipientPhone));
        Assert.Equal("voice", received.Media!.Kind);
        Assert.Equal(content, _host.World.MessageFile(RecipientPhone, received.Id)!.Content);
    }

    [Fact]
    public async Task UploadThenDownload_PhotoRoundTripThroughTheOtherSide()
    {
        var content = RandomNumberGenerator.GetBytes(900_000);
        var peer = (await _me.ResolvePhoneAsync(SenderPhone, Ct))!;
        var uploaded = await _me.UploadAsync(new MemoryStream(content), content.Length, "picture.jpg", Ct);
        var sent = await _me.SendMediaAsync(peer.Id, new OutgoingMedia(uploaded, OutgoingMediaKind.Photo, "image/jpeg", "picture.jpg"), "look", [], randomId: 79, replyToMessageId: null, Ct);

        // Our own copy of the sent message carries the photo too.
        var media = (await _me.GetMessageMediaAsync(peer.Id, sent.MessageId, Ct))!;

        Assert.Equal(MediaKind.Photo, media.Kind);
        Assert.Equal(content, await DownloadAllAsync(media, 0));
        Assert.Equal("photo", Assert.Single(_host.World.ReceivedMessages(SenderPhone)).Media!.Kind);
    }

    [Fact]
    public async Task Upload_PartsRefused_TheRpcErrorReachesTheCaller_NotTheCancellationItCaused()
    {
        var content = RandomNumberGenerator.GetBytes(3 * 1024 * 1024);
        await Assert.ThrowsAsync<EndOfStreamException>(() => _me.UploadAsync(new MemoryStream(content), content.Length + 1, "short.bin", Ct));
        _host.World.InjectError("upload.saveFilePart", 400, "FILE_PART_INVALID", count: 100, user: MePhone);

        var error = await Assert.ThrowsAsync<TelegramRpcException>(() => _me.UploadAsync(new MemoryStream(content), content.Length, "refused.bin", Ct));

        Assert.Equal("FILE_PART_INVALID", error.ErrorName);
    }

    [Fact]
    public async Task Upload_OnePartRefused_TheFirstFrameOfTheMediaSessionIsNotRunTwice()
    {
        // The media connection's first frame is a container of parts; new_session_created must not make the client
        // re-send (and the emulator run again) the parts inside it: the one refusal reaches the caller.
        var content = RandomNumberGenerator.GetBytes(3 * 1024 * 1024);
        _host.World.InjectError("upload.saveFilePart", 400, "FILE_PART_INVALID", count: 1, user: MePhone);

        var error = await Assert.ThrowsAsync<TelegramRpcException>(() => _me.UploadAsync(new MemoryStream(content), content.Length, "refused.bin", Ct));

        Assert.Equal("FILE_PART_INVALID", error.ErrorName);
        Assert.Equal(6, (await _me.UploadAsync(new MemoryStream(content), content.Length, "fine.bin", Ct)).Parts);
    }

    [Fact]
    public async Task GetMessageMedia_TextMessageOrUnknownId_Null()
    {
        var text = _host.World.SendMessage(SenderPhone, MePhone, "no file here");

        Assert.Null(await _me.GetMessageMediaAsync(PeerId.User(_sender.Id), text.Received!.Id, Ct));
        Assert.Null(await _me.GetMessageMediaAsync(PeerId.User(_sender.Id), 999_999, Ct));
    }

    /// <summary>POST /messages from the sender to me (or <paramref name="to"/>) with the media; returns the id in the recipient's box.</summary>
    private async Task<int> PostMediaAsync(object media, string to = MePhone)
    {
        using var response = await _http.PostAsJsonAsync("messages", new { from = SenderPhone, to, text = "file", media }, Ct);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return json.RootElement.GetProperty("received").GetProperty("id").GetInt32();
    }

    private Task<byte[]> DownloadAllAsync(DownloadableMedia media, long offset) => DownloadAllAsync(_me, media, offset);

    private static async Task<byte[]> DownloadAllAsync(TelegramUserClient client, DownloadableMedia media, long offset)
    {
        using var output = new MemoryStream();
        await foreach (var part in client.DownloadAsync(media, offset, Ct))
        {
            output.Write(part.Span);
        }

        return output.ToArray();
    }
}
