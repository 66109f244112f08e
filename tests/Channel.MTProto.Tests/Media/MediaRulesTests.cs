using System.Security.Cryptography;
using Channel.MTProto.Client;
using Channel.MTProto.Emulator.World;
using Channel.MTProto.Tests.EmulatorWorld;
using Channel.MTProto.Tl.Api;
using Microsoft.Extensions.Time.Testing;

namespace Channel.MTProto.Tests.Media;

/// <summary>
/// The emulator's file rules as a client meets them: each broken rule is a typed rpc_error (part sizes and counts,
/// missing parts, MD5, getFile offset/limit, FILE_MIGRATE_X, AUTH_BYTES_INVALID), and uploads cannot hold more memory
/// than configured.
/// </summary>
public sealed class MediaRulesTests
{
    private const int Kib = 1024;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UploadRules_EachBrokenRuleIsATypedRpcError()
    {
        await using var host = await WorldTestHost.StartAsync();
        var bob = host.World.CreateUser(new NewUser("15550241001", "Bob"));
        var (client, _) = await host.LoginAsync("9996624101");
        var peer = new InputPeerUser { UserId = bob.Id, AccessHash = bob.AccessHash };

        // A big file's non-last part must be a multiple of 1 KiB dividing 512 KiB.
        Assert.Equal("FILE_PART_SIZE_INVALID", (await RpcError(client, new Upload.SaveBigFilePart { FileId = 1, FilePart = 0, FileTotalParts = 3, Bytes = new byte[1000] })).ErrorName);
        Assert.Equal("FILE_PART_TOO_BIG", (await RpcError(client, new Upload.SaveFilePart { FileId = 2, FilePart = 0, Bytes = new byte[(512 * Kib) + Kib] })).ErrorName);
        Assert.Equal("FILE_PART_EMPTY", (await RpcError(client, new Upload.SaveFilePart { FileId = 2, FilePart = 0, Bytes = [] })).ErrorName);
        Assert.Equal("FILE_PARTS_INVALID", (await RpcError(client, new Upload.SaveBigFilePart { FileId = 3, FilePart = 0, FileTotalParts = 4001, Bytes = new byte[Kib] })).ErrorName);
        Assert.Equal("FILE_PART_INVALID", (await RpcError(client, new Upload.SaveBigFilePart { FileId = 3, FilePart = 5, FileTotalParts = 5, Bytes = new byte[Kib] })).ErrorName);

        // Parts 0 and 2 of three: part 1 is missing when the file is used.
        Assert.True(await client.InvokeAsync(new Upload.SaveFilePart { FileId = 4, FilePart = 0, Bytes = new byte[64 * Kib] }, Ct));
        Assert.True(await client.InvokeAsync(new Upload.SaveFilePart { FileId = 4, FilePart = 2, Bytes = new byte[10] }, Ct));
        var missing = await RpcError(client, SendDocument(peer, new InputFile { Id = 4, Parts = 3, Name = "a.bin", Md5Checksum = string.Empty }));
        Assert.Equal(("FILE_PART_X_MISSING", 1), (missing.ErrorName, missing.Parameter));

        // Parts of different sizes (all but the last must match).
        Assert.True(await client.InvokeAsync(new Upload.SaveFilePart { FileId = 5, FilePart = 0, Bytes = new byte[64 * Kib] }, Ct));
        Assert.True(await client.InvokeAsync(new Upload.SaveFilePart { FileId = 5, FilePart = 1, Bytes = new byte[32 * Kib] }, Ct));
        Assert.True(await client.InvokeAsync(new Upload.SaveFilePart { FileId = 5, FilePart = 2, Bytes = new byte[10] }, Ct));
        Assert.Equal("FILE_PART_SIZE_CHANGED", (await RpcError(client, SendDocument(peer, new InputFile { Id = 5, Parts = 3, Name = "b.bin", Md5Checksum = string.Empty }))).ErrorName);

        // A wrong MD5 of a small file.
        var content = RandomNumberGenerator.GetBytes(100 * Kib);
        Assert.True(await client.InvokeAsync(new Upload.SaveFilePart { FileId = 6, FilePart = 0, Bytes = content }, Ct));
        Assert.Equal("MD5_CHECKSUM_INVALID", (await RpcError(client, SendDocument(peer, new InputFile { Id = 6, Parts = 1, Name = "c.bin", Md5Checksum = new string('0', 32) }))).ErrorName);

        // The right MD5 (upper case is fine too) is accepted, and nothing of the bad uploads reached Bob.
        Assert.True(await client.InvokeAsync(new Upload.SaveFilePart { FileId = 7, FilePart = 0, Bytes = content }, Ct));
        await client.InvokeAsync(SendDocument(peer, new InputFile { Id = 7, Parts = 1, Name = "d.bin", Md5Checksum = Convert.ToHexString(MD5.HashData(content)) }), Ct);
        var received = Assert.Single(host.World.ReceivedMessages("15550241001"));
        Assert.Equal(content, host.World.MessageFile("15550241001", received.Id)!.Content);
        Assert.Equal("d.bin", received.Media!.FileName);
    }

    [Fact]
    public async Task GetFileRules_OffsetLimitLocationMigrateAndImportedAuthorization()
    {
        await using var host = await WorldTestHost.StartAsync(o => o.DcIds = [2, 4]);
        host.World.CreateUser(new NewUser("15550241002", "Cleo"));
        var (client, me) = await host.LoginAsync("9996624102");
        var content = RandomNumberGenerator.GetBytes(3 * 1024 * Kib);
        var near = host.World.SendMedia("15550241002", "9996624102", null, new NewMedia(EmulatorMediaKind.Document, content, "near.bin"));
        var far = host.World.SendMedia("15550241002", "9996624102", null, new NewMedia(EmulatorMediaKind.Document, content, "far.bin", DcId: 4));
        var messages = (Messages.MessagesConstructor)await client.InvokeAsync(new Messages.GetMessages { Id = [new InputMessageID { Id = near.Received!.Id }, new InputMessageID { Id = far.Received!.Id }, new InputMessageID { Id = 9999 }] }, Ct);
        var nearDoc = (Document)((MessageMediaDocument)((Message)messages.Messages[0]).Media!).Document!;
        var farDoc = (Document)((MessageMediaDocument)((Message)messages.Messages[1]).Media!).Document!;
        Assert.IsType<MessageEmpty>(messages.Messages[2]);
        InputDocumentFileLocation Location(Document d) => new() { Id = d.Id, AccessHash = d.AccessHash, FileReference = d.FileReference, ThumbSize = string.Empty };

        Assert.Equal("OFFSET_INVALID", (await RpcError(client, new Upload.GetFile { Location = Location(nearDoc), Offset = 1000, Limit = 4096 })).ErrorName);
        Assert.Equal("LIMIT_INVALID", (await RpcError(client, new Upload.GetFile { Location = Location(nearDoc), Offset = 0, Limit = 5000 })).ErrorName);
        Assert.Equal("LIMIT_INVALID", (await RpcError(client, new Upload.GetFile { Location = Location(nearDoc), Offset = 0, Limit = 3 * 4096 })).ErrorName);
        Assert.Equal("LIMIT_INVALID", (await RpcError(client, new Upload.GetFile { Location = Location(nearDoc), Offset = (1024 * Kib) - 4096, Limit = 8192 })).ErrorName);

        // precise: 1 KiB granularity, may cross a 1 MiB boundary.
        var precise = (Upload.File)await client.InvokeAsync(new Upload.GetFile { Location = Location(nearDoc), Offset = (1024 * Kib) - Kib, Limit = 3 * Kib, Precise = true }, Ct);
        Assert.Equal(content.AsSpan((1024 * Kib) - Kib, 3 * Kib).ToArray(), precise.Bytes);

        var wrongHash = new InputDocumentFileLocation { Id = nearDoc.Id, AccessHash = nearDoc.AccessHash + 1, FileReference = nearDoc.FileReference, ThumbSize = string.Empty };
        Assert.Equal("LOCATION_INVALID", (await RpcError(client, new Upload.GetFile { Location = wrongHash, Offset = 0, Limit = 4096 })).ErrorName);
        var migrate = await RpcError(client, new Upload.GetFile { Location = Location(farDoc), Offset = 0, Limit = 4096 });
        Assert.Equal((303, "FILE_MIGRATE", 4), (migrate.Code, migrate.ErrorName, migrate.Parameter));

        // DC 4 needs the login: unauthorized first, AUTH_BYTES_INVALID for wrong bytes, then the exported ones work once.
        Assert.Equal("AUTH_KEY_UNREGISTERED", (await RpcErrorOnDc(client, 4, new Upload.GetFile { Location = Location(farDoc), Offset = 0, Limit = 4096 })).ErrorName);
        Assert.Equal("DC_ID_INVALID", (await RpcError(client, new Auth.ExportAuthorization { DcId = 2 })).ErrorName);
        var exported = (Auth.ExportedAuthorization)await client.InvokeAsync(new Auth.ExportAuthorization { DcId = 4 }, Ct);
        Assert.Equal("AUTH_BYTES_INVALID", (await RpcErrorOnDc(client, 4, new Auth.ImportAuthorization { Id = exported.Id, Bytes = new byte[exported.Bytes.Length] })).ErrorName);
        var imported = (Auth.Authorization)await client.InvokeOnDcAsync(4, new Auth.ImportAuthorization { Id = exported.Id, Bytes = exported.Bytes }, timeout: null, Ct);
        Assert.Equal(me.Id, ((User)imported.User).Id);
        Assert.Equal("AUTH_BYTES_INVALID", (await RpcErrorOnDc(client, 4, new Auth.ImportAuthorization { Id = exported.Id, Bytes = exported.Bytes })).ErrorName);
        var part = (Upload.File)await client.InvokeOnDcAsync(4, new Upload.GetFile { Location = Location(farDoc), Offset = 1024 * Kib, Limit = 1024 * Kib }, timeout: null, Ct);
        Assert.Equal(content.AsSpan(1024 * Kib, 1024 * Kib).ToArray(), part.Bytes);

        // Past the end: an empty part, not an error.
        var end = (Upload.File)await client.InvokeAsync(new Upload.GetFile { Location = Location(nearDoc), Offset = 4 * 1024 * Kib, Limit = 4096 }, Ct);
        Assert.Empty(end.Bytes);
    }

    [Fact]
    public async Task PendingUploads_BoundedByMaxPendingBytes_AndFreedWhenTheyExpire()
    {
        // Only the emulator's clock is fake, so the upload expires when the test says, not when a loaded machine lets
        // 300 ms pass between two calls. The jump stays inside the msg_id windows both sides apply (−300 s / +30 s).
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await WorldTestHost.StartAsync(o =>
        {
            o.TimeProvider = time;
            o.World.MaxPendingUploadBytes = 1024 * Kib;
            o.World.UploadPartLifetime = TimeSpan.FromSeconds(10);
        });
        var (client, _) = await host.LoginAsync("9996624103");

        Assert.True(await client.InvokeAsync(new Upload.SaveFilePart { FileId = 1, FilePart = 0, Bytes = new byte[512 * Kib] }, Ct));
        Assert.True(await client.InvokeAsync(new Upload.SaveFilePart { FileId = 1, FilePart = 1, Bytes = new byte[512 * Kib] }, Ct));
        var full = await RpcError(client, new Upload.SaveFilePart { FileId = 2, FilePart = 0, Bytes = new byte[Kib] });

        Assert.True(full.IsFloodWait);
        Assert.Equal(1024 * Kib, host.World.FileMemory().PendingUploadBytes);

        // The abandoned upload expires: room again.
        time.Advance(TimeSpan.FromSeconds(11));
        Assert.True(await client.InvokeAsync(new Upload.SaveFilePart { FileId = 3, FilePart = 0, Bytes = new byte[Kib] }, Ct));
        Assert.Equal(Kib, host.World.FileMemory().PendingUploadBytes);
    }

    private static Messages.SendMedia SendDocument(InputPeerBase peer, InputFileBase file) => new()
    {
        Peer = peer,
        Media = new InputMediaUploadedDocument { File = file, MimeType = "application/octet-stream", Attributes = [] },
        Message = string.Empty,
        RandomId = RandomNumberGenerator.GetInt32(int.MaxValue),
    };

    private static Task<TelegramRpcException> RpcError<TResult>(MTProtoClient client, global::Channel.MTProto.Tl.ITlMethod<TResult> request)
        => WorldTestHost.RpcErrorAsync(() => client.InvokeAsync(request, Ct));

    private static Task<TelegramRpcException> RpcErrorOnDc<TResult>(MTProtoClient client, int dcId, global::Channel.MTProto.Tl.ITlMethod<TResult> request)
        => WorldTestHost.RpcErrorAsync(() => client.InvokeOnDcAsync(dcId, request, timeout: null, Ct));
}
