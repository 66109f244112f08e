extern alias service;

using System.Text.Json;
using Channel.Cli;
using Microsoft.Extensions.DependencyInjection;

namespace Channel.Service.Tests.Onboarding;

/// <summary>The README's sandbox walk-through, command for command, through the operator CLI against a sandbox host.</summary>
public sealed class CliWalkThroughTests(SandboxHostFixture fixture) : IClassFixture<SandboxHostFixture>
{
    private readonly OnboardingHost _host = fixture.Host;

    [Fact]
    public async Task ReadmeWalkThrough_SandboxTestNumber_EndsActive()
    {
        var created = await RunAsync(
            "create", "--tenant", "1", "--api-id", "12345", "--api-hash", "0123456789abcdef0123456789abcdef",
            "--phone", "+99966 2 1234", "--name", "Sandbox line");
        var id = Json(created).GetProperty("id").GetString()!;

        var sent = await RunAsync("send-code", id);
        var wrong = await RunFailingAsync("verify-code", id, "11111");
        var verified = await RunAsync("verify-code", id, "22222");
        var fetched = await RunAsync("get", id);

        Assert.Equal("ACCOUNT_STATUS_PENDING", Json(created).GetProperty("status").GetString());
        Assert.Equal("CODE_TYPE_APP", Json(sent).GetProperty("delivery").GetProperty("type").GetString());
        Assert.StartsWith("error: InvalidArgument:", wrong, StringComparison.Ordinal);
        Assert.Contains("reason=PHONE_CODE_INVALID", wrong, StringComparison.Ordinal);
        Assert.Contains("attempts_left=4", wrong, StringComparison.Ordinal);
        Assert.Equal("ACCOUNT_STATUS_ACTIVE", Json(verified).GetProperty("account").GetProperty("status").GetString());
        Assert.Equal("ACCOUNT_STATUS_ACTIVE", Json(fetched).GetProperty("status").GetString());
    }

    [Fact]
    public async Task SubmitPassword_ReadsThePasswordFromStdinNotArguments()
    {
        _host.Services.GetSandboxWorld().CreateUser(new("+99966 2 4321", "Tess", Password: "from stdin"));
        var id = Json(await RunAsync(
            "create", "--tenant", "2", "--api-id", "12345", "--api-hash", "0123456789abcdef0123456789abcdef", "--phone", "+99966 2 4321")).GetProperty("id").GetString()!;
        await RunAsync("send-code", id);
        var verified = await RunAsync("verify-code", id, "22222");

        var active = await RunAsync(["submit-password", id], password: "from stdin");

        Assert.True(Json(verified).GetProperty("passwordRequired").GetBoolean());
        Assert.Equal("ACCOUNT_STATUS_ACTIVE", Json(active).GetProperty("status").GetString());
    }

    [Fact]
    public async Task ReadmeRevocation_ControlApiRevoke_GetShowsSessionRevokedAfterTheCheck()
    {
        var id = Json(await RunAsync(
            "create", "--tenant", "3", "--api-id", "12345", "--api-hash", "0123456789abcdef0123456789abcdef", "--phone", "+99966 2 1235")).GetProperty("id").GetString()!;
        await RunAsync("send-code", id);
        await RunAsync("verify-code", id, "22222");
        using var http = new HttpClient { BaseAddress = _host.Services.GetSandboxEmulator().ControlAddress };

        using var revoke = await http.PostAsync(new Uri("users/9996621235/revoke", UriKind.Relative), content: null, TestContext.Current.CancellationToken);
        var revoked = Json(await revoke.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        // The account's live connection notices on its own (no session check needed).
        var fetched = await Eventually.ReachedAsync(() => RunAsync("get", id), text => Json(text).GetProperty("status").GetString() != "ACCOUNT_STATUS_ACTIVE");

        Assert.Equal(1, revoked.GetProperty("revoked").GetInt32());
        Assert.Equal("ACCOUNT_STATUS_SESSION_REVOKED", Json(fetched).GetProperty("status").GetString());
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    private Task<string> RunAsync(params string[] args) => RunAsync(args, password: null);

    private async Task<string> RunAsync(string[] args, string? password)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CliApp.RunAsync(["--address", _host.Address, "--api-key", TestApiKeys.Admin, .. args], stdout, stderr, () => password, TestContext.Current.CancellationToken);
        Assert.True(exit == 0, stderr.ToString());
        return stdout.ToString();
    }

    private async Task<string> RunFailingAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CliApp.RunAsync(["--address", _host.Address, "--api-key", TestApiKeys.Admin, .. args], stdout, stderr, () => null, TestContext.Current.CancellationToken);
        Assert.Equal(1, exit);
        return stderr.ToString();
    }
}
