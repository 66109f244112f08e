using System.Security.Cryptography;
using Channel.MTProto.Accounts;
using Channel.MTProto.Client;
using Channel.MTProto.Emulator.World;
using Channel.MTProto.Messaging;
using Channel.MTProto.Peers;
using Channel.MTProto.Tests.UpdateHandling;
using Channel.MTProto.Tests.UserApi;
using Channel.MTProto.UpdateHandling;

namespace Channel.MTProto.Tests.Media;

/// <summary>Media through <see cref="IAccountConnection"/>: inbound media descriptors from live updates, and a download
/// that runs on its own connection while the update connection keeps delivering messages.</summary>
public sealed class AccountMediaTests
{
    private const string MePhone = "9996624201";
    private const string SenderPhone = "15550242001";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Download_WhileUpdatesKeepArriving_OnItsOwnConnection_AndDescriptorsFilled()
    {
        await using var host = await UserApiHost.StartAsync();
        var sender = host.World.CreateUser(new NewUser(SenderPhone, "Sender"));
        var (login, _) = await host.LoginAsync(MePhone);
        var (session, peers) = (login.Session.Serialize(), login.Peers.Serialize());
        await login.DisposeAsync();
        await using IAccountConnection connection = AccountConnection.Create(host.NewClient(AccountConnection.RestoreSession(session, peers)), new AccountConnectionOptions
        {
            Updates = new UpdatesEngineOptions { GapTimeout = TimeSpan.FromMilliseconds(200) },
            BackgroundRetry = new RpcRetryPolicy { BaseDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(200) },
        });
        var inbox = new BatchRecorder();
        await connection.StartAsync(null, inbox, Ct);

        var content = RandomNumberGenerator.GetBytes(8 * 1024 * 1024);
        host.World.SendMedia(SenderPhone, MePhone, "the file", new NewMedia(EmulatorMediaKind.Document, content, "eight.bin", "application/x-eight"));
        host.World.SendMedia(SenderPhone, MePhone, null, new NewMedia(EmulatorMediaKind.Photo, RandomNumberGenerator.GetBytes(5000)));
        host.World.SendMedia(SenderPhone, MePhone, null, new NewMedia(EmulatorMediaKind.Voice, RandomNumberGenerator.GetBytes(3000), DurationSeconds: 2));
        host.World.SendMedia(SenderPhone, MePhone, null, new NewMedia(EmulatorMediaKind.Sticker, RandomNumberGenerator.GetBytes(2000)));
        host.World.SendMedia(SenderPhone, MePhone, null, new NewMedia(EmulatorMediaKind.Audio, RandomNumberGenerator.GetBytes(2000), "song.mp3"));
        host.World.SendMedia(SenderPhone, MePhone, null, new NewMedia(EmulatorMediaKind.Video, RandomNumberGenerator.GetBytes(2000), "v.mp4"));
        host.World.SendMedia(SenderPhone, MePhone, null, new NewMedia(EmulatorMediaKind.Geo, Latitude: 52.52, Longitude: 13.405));
        host.World.SendMedia(SenderPhone, MePhone, null, new NewMedia(EmulatorMediaKind.Contact, Phone: "+15550001111", FirstName: "Ann"));
        await inbox.WaitForMessagesAsync(8);

        var descriptors = inbox.Messages.Select(m => m.Media).ToArray();
        Assert.Equal(new MediaDescriptor(MediaKind.Document, content.Length, "eight.bin", "application/x-eight"), descriptors[0]);
        Assert.Equal(new MediaDescriptor(MediaKind.Photo, 5000, null, "image/jpeg"), descriptors[1]);
        Assert.Equal([MediaKind.Voice, MediaKind.Sticker, MediaKind.Audio, MediaKind.Video, MediaKind.Geo, MediaKind.Contact], descriptors[2..].Select(d => d!.Kind));
        Assert.Equal("the file", inbox.Messages[0].Text);

        var media = (await connection.GetMessageMediaAsync(PeerId.User(sender.Id), inbox.Messages[0].MessageId, Ct))!;
        using var downloaded = new MemoryStream();
        await using var parts = connection.DownloadAsync(media, 0, Ct).GetAsyncEnumerator(Ct);
        Assert.True(await parts.MoveNextAsync());
        downloaded.Write(parts.Current.Span);

        // Mid-download: a second connection (the media one) is up, and texts still arrive on the update connection.
        Assert.True(host.World.Connections(MePhone).Count >= 2);
        host.World.SendMessage(SenderPhone, MePhone, "during the download");
        await inbox.WaitForMessagesAsync(9);
        Assert.Equal("during the download", inbox.Messages[^1].Text);

        while (await parts.MoveNextAsync())
        {
            downloaded.Write(parts.Current.Span);
        }

        Assert.Equal(content, downloaded.ToArray());
    }
}
