using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.Tests.EmulatorWorld;

/// <summary>The HTTP control API: every route over real HTTP against an in-process emulator.</summary>
public sealed class ControlApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Health_Running_ReportsDcs()
    {
        await using var host = await StartAsync();
        using var http = Http(host);

        var health = await http.GetFromJsonAsync<JsonElement>("health", Ct);

        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.Equal(host.Emulator.MainDcId, health.GetProperty("mainDcId").GetInt32());
        Assert.Equal(IPAddress.Loopback.ToString(), host.Emulator.ControlAddress!.Host);
    }

    [Fact]
    public async Task PostUsers_ValidDuplicateInvalid_CreatedConflictBadRequest()
    {
        await using var host = await StartAsync();
        using var http = Http(host);

        var created = await http.PostAsJsonAsync("users", new { phone = "+1 555 000 7000", firstName = "Eve", username = "eve_support", password = "pw" }, Ct);
        var duplicate = await http.PostAsJsonAsync("users", new { phone = "15550007000", firstName = "Eve" }, Ct);
        var invalid = await http.PostAsJsonAsync("users", new { phone = "15550007001" }, Ct);
        var notJson = await http.PostAsync("users", new StringContent("{", System.Text.Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var user = await created.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("15550007000", user.GetProperty("phone").GetString());
        Assert.True(user.GetProperty("hasPassword").GetBoolean());
        Assert.False(user.TryGetProperty("password", out _));
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("firstName", (await invalid.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("users/@eve_support", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("users/15550000000", Ct)).StatusCode);
    }

    [Fact]
    public async Task GetCode_AfterSendCode_ReturnsTheCodeThatSignsIn()
    {
        await using var host = await StartAsync();
        using var http = Http(host);
        await http.PostAsJsonAsync("users", new { phone = "15550007100", firstName = "Finn" }, Ct);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("users/15550007100/code", Ct)).StatusCode);
        var client = host.NewClient();
        var sent = (Auth.SentCode)await WorldTestHost.SendCodeAsync(client, "15550007100");

        var code = (await http.GetFromJsonAsync<JsonElement>("users/15550007100/code", Ct)).GetProperty("code").GetString()!;

        Assert.Matches("^[0-9]{5}$", code);
        Assert.IsType<Auth.Authorization>(await WorldTestHost.SignInAsync(client, "15550007100", sent.PhoneCodeHash, code));
    }

    [Fact]
    public async Task PostMessages_ByUsernameIdAndPhone_ReceivedListedAndPushed()
    {
        await using var host = await StartAsync();
        using var http = Http(host);
        await http.PostAsJsonAsync("users", new { phone = "15550007200", firstName = "Gus", username = "gus_sender" }, Ct);
        var (client, me) = await host.LoginAsync("9996620001");

        var response = await http.PostAsJsonAsync("messages", new { from = "gus_sender", to = me.Id, text = "hello from HTTP" }, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var received = await http.GetFromJsonAsync<JsonElement[]>("users/9996620001/messages", Ct);
        Assert.Equal("hello from HTTP", Assert.Single(received!).GetProperty("text").GetString());
        var pushed = Assert.IsType<UpdatesConstructor>(await client.Updates.ReadAsync(Ct));
        Assert.Equal("hello from HTTP", ((Message)((UpdateNewMessage)pushed.Updates[0]).Message).MessageValue);
        var missing = await http.PostAsJsonAsync("messages", new { from = "gus_sender", to = "nobody_at_all", text = "x" }, Ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var tooLong = await http.PostAsJsonAsync("messages", new { from = "gus_sender", to = me.Id, text = new string('y', 4097) }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
    }

    [Fact]
    public async Task GetMessages_AfterSend_StoredAtIsTheTimeTheCopyWasStored()
    {
        await using var host = await StartAsync();
        using var http = Http(host);
        await http.PostAsJsonAsync("users", new { phone = "15550007300", firstName = "Hal" }, Ct);
        await http.PostAsJsonAsync("users", new { phone = "15550007301", firstName = "Ida" }, Ct);

        var before = DateTimeOffset.UtcNow;
        await http.PostAsJsonAsync("messages", new { from = "15550007300", to = "15550007301", text = "timed" }, Ct);
        var after = DateTimeOffset.UtcNow;

        var copy = Assert.Single((await http.GetFromJsonAsync<JsonElement[]>("users/15550007301/messages", Ct))!);
        var storedAt = copy.GetProperty("storedAt").GetDateTimeOffset();
        Assert.InRange(storedAt, before, after);
        Assert.Equal(storedAt.ToUnixTimeSeconds(), copy.GetProperty("date").GetDateTimeOffset().ToUnixTimeSeconds());
    }

    [Fact]
    public async Task RevokeFloodDrop_Routes_ApplyToTheWorld()
    {
        await using var host = await StartAsync();
        using var http = Http(host);
        var (client, _) = await host.LoginAsync("9996620001");

        var flood = await http.PostAsJsonAsync("faults/flood", new { method = "updates.getState", seconds = 9, count = 1 }, Ct);
        Assert.Equal(HttpStatusCode.OK, flood.StatusCode);
        Assert.Equal(9, (await WorldTestHost.RpcErrorAsync(() => client.InvokeAsync(new Updates.GetState(), Ct))).Parameter);

        var injected = await http.PostAsJsonAsync("faults/error", new { method = "updates.getState", code = 420, error = "SLOWMODE_WAIT_5" }, Ct);
        Assert.Equal(HttpStatusCode.OK, injected.StatusCode);
        var slowmode = await WorldTestHost.RpcErrorAsync(() => client.InvokeAsync(new Updates.GetState(), Ct));
        Assert.Equal(("SLOWMODE_WAIT", 5), (slowmode.ErrorName, slowmode.Parameter));
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsJsonAsync("faults/error", new { method = "updates.getState", code = 420, error = "lower case" }, Ct)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("faults/drop", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsJsonAsync("faults/drop", new { dcId = 9 }, Ct)).StatusCode);
        Assert.IsType<Updates.State>(await client.InvokeAsync(new Updates.GetState(), Ct)); // reconnects after the drop

        var revoke = await http.PostAsync("users/9996620001/revoke", null, Ct);
        Assert.Equal(1, (await revoke.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("revoked").GetInt32());
        Assert.Equal("SESSION_REVOKED", (await WorldTestHost.RpcErrorAsync(() => client.InvokeAsync(new Updates.GetState(), Ct))).ErrorName);
    }

    private static Task<WorldTestHost> StartAsync()
        => WorldTestHost.StartAsync(o => o.World.ControlEndpoint = new IPEndPoint(IPAddress.Loopback, 0));

    private static HttpClient Http(WorldTestHost host) => new() { BaseAddress = host.Emulator.ControlAddress };
}
