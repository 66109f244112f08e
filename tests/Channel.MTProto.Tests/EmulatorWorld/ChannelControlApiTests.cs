using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Channel.MTProto.Tests.EmulatorWorld;

/// <summary>The control API's supergroup and channel routes over real HTTP: the JSON shapes service tests build on.</summary>
public sealed class ChannelControlApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SupergroupAndChannel_CreatedPostedListedForced_AndBadInputRefused()
    {
        await using var host = await WorldTestHost.StartAsync(o => o.World.ControlEndpoint = new IPEndPoint(IPAddress.Loopback, 0));
        using var http = new HttpClient { BaseAddress = host.Emulator.ControlAddress };
        await http.PostAsJsonAsync("users", new { phone = "15550009001", firstName = "Owner" }, Ct);
        await http.PostAsJsonAsync("users", new { phone = "15550009002", firstName = "Member", username = "member_one" }, Ct);

        var created = await http.PostAsJsonAsync("chats", new { kind = "supergroup", title = "Support", members = new object[] { "15550009001", "@member_one" } }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var chat = await created.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var id = chat.GetProperty("id").GetInt64();
        Assert.Equal("supergroup", chat.GetProperty("kind").GetString());
        Assert.Equal(1, chat.GetProperty("pts").GetInt32());
        Assert.Equal(2, chat.GetProperty("memberIds").GetArrayLength());
        Assert.Equal(host.World.GetUser("15550009001").Id, chat.GetProperty("creatorId").GetInt64());

        var posted = await http.PostAsJsonAsync("messages", new { from = "@member_one", chat = id, text = "hello supergroup" }, Ct);
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        var message = await posted.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal((id, 2, 2), (message.GetProperty("channelId").GetInt64(), message.GetProperty("id").GetInt32(), message.GetProperty("pts").GetInt32()));

        var messages = await http.GetFromJsonAsync<JsonElement>($"chats/{id}/messages", Ct);
        Assert.Equal(["channelCreate", null], messages.EnumerateArray().Select(m => m.GetProperty("action").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync($"chats/{id}/difference-too-long", new { user = "@member_one" }, Ct)).StatusCode);
        Assert.Equal("supergroup", (await http.GetFromJsonAsync<JsonElement>($"chats/{id}", Ct)).GetProperty("kind").GetString());

        var broadcast = await (await http.PostAsJsonAsync("chats", new { kind = "channel", title = "News", members = new object[] { "15550009001", "@member_one" } }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var notAdmin = await http.PostAsJsonAsync("messages", new { from = "@member_one", chat = broadcast.GetProperty("id").GetInt64(), text = "not allowed" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, notAdmin.StatusCode);
        var badKind = await http.PostAsJsonAsync("chats", new { kind = "forum", title = "X", members = new object[] { "15550009001" } }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, badKind.StatusCode);
        var outsider = await http.PostAsJsonAsync("users", new { phone = "15550009003", firstName = "Outsider" }, Ct);
        Assert.Equal(HttpStatusCode.Created, outsider.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsJsonAsync("messages", new { from = "15550009003", chat = id, text = "x" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("chats/12345/messages", Ct)).StatusCode);

        var group = await (await http.PostAsJsonAsync("chats", new { kind = "group", title = "Old", members = new object[] { "15550009001", "@member_one" } }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var migrated = await http.PostAsJsonAsync($"chats/{group.GetProperty("id").GetInt64()}/migrate", new { user = "15550009001" }, Ct);
        Assert.Equal(HttpStatusCode.Created, migrated.StatusCode);
        var supergroup = await migrated.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("supergroup", supergroup.GetProperty("kind").GetString());
        Assert.Equal(supergroup.GetProperty("id").GetInt64(), (await http.GetFromJsonAsync<JsonElement>($"chats/{group.GetProperty("id").GetInt64()}", Ct)).GetProperty("migratedToId").GetInt64());
    }
}
