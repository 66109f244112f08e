using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Channel.MTProto.Emulator.World;

namespace Channel.MTProto.Tests.EmulatorWorld;

/// <summary>The control API's media routes: kinds, defaults, the file fetch, geo and contact, and their errors.</summary>
public sealed class ControlApiMediaTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MediaRoutes_KindsDefaultsFetchAndErrors()
    {
        await using var host = await WorldTestHost.StartAsync(o => o.World.ControlEndpoint = new IPEndPoint(IPAddress.Loopback, 0));
        host.World.CreateUser(new NewUser("15550243001", "Ann"));
        host.World.CreateUser(new NewUser("15550243002", "Ben"));
        using var http = new HttpClient { BaseAddress = host.Emulator.ControlAddress };
        byte[] bytes = [1, 2, 3, 4, 5];

        using var sticker = await http.PostAsJsonAsync("messages", new { from = "15550243001", to = "15550243002", media = new { kind = "Sticker", base64 = bytes } }, Ct);
        Assert.Equal(HttpStatusCode.Created, sticker.StatusCode);
        using var json = JsonDocument.Parse(await sticker.Content.ReadAsStringAsync(Ct));
        var received = json.RootElement.GetProperty("received");
        Assert.Equal("sticker", received.GetProperty("media").GetProperty("kind").GetString());
        Assert.Equal("image/webp", received.GetProperty("media").GetProperty("mimeType").GetString());
        Assert.Equal(string.Empty, received.GetProperty("text").GetString());

        using var file = await http.GetAsync($"users/15550243002/messages/{received.GetProperty("id").GetInt32()}/media", Ct);
        Assert.Equal("image/webp", file.Content.Headers.ContentType!.MediaType);
        Assert.Equal(bytes, await file.Content.ReadAsByteArrayAsync(Ct));

        using var geo = await http.PostAsJsonAsync("messages", new { from = "15550243001", to = "15550243002", media = new { kind = "geo", latitude = 48.85, longitude = 2.35 } }, Ct);
        Assert.Equal(HttpStatusCode.Created, geo.StatusCode);
        using var contact = await http.PostAsJsonAsync("messages", new { from = "15550243001", to = "15550243002", media = new { kind = "contact", phone = "15550243001", firstName = "Ann" } }, Ct);
        Assert.Equal(HttpStatusCode.Created, contact.StatusCode);
        var inbox = host.World.ReceivedMessages("15550243002");
        Assert.Equal(["sticker", "geo", "contact"], inbox.Select(m => m.Media!.Kind));
        Assert.Equal(48.85, inbox[1].Media!.Latitude);

        // No file in a geo message, no such message, bad kind, missing bytes, a DC the emulator does not run.
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"users/15550243002/messages/{inbox[1].Id}/media", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("users/15550243002/messages/9999/media", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsJsonAsync("messages", new { from = "15550243001", to = "15550243002", media = new { kind = "hologram", base64 = bytes } }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsJsonAsync("messages", new { from = "15550243001", to = "15550243002", media = new { kind = "document" } }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsJsonAsync("messages", new { from = "15550243001", to = "15550243002", media = new { kind = "photo", base64 = bytes, dc = 9 } }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsJsonAsync("messages", new { from = "15550243001", to = "15550243002", media = new { kind = "geo", latitude = 91, longitude = 0 } }, Ct)).StatusCode);
        Assert.Equal(3, host.World.ReceivedMessages("15550243002").Count);

        using var expired = await http.PostAsync("faults/file-references", null, Ct);
        Assert.Equal(HttpStatusCode.OK, expired.StatusCode);
    }
}
