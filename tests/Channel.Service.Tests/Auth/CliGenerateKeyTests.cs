using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Channel.Cli;
using Channel.Service.Tests.Onboarding;

namespace Channel.Service.Tests.Auth;

/// <summary><c>channel-cli generate-key</c>: the printed hash configures the service, and the printed key then works.</summary>
public sealed class CliGenerateKeyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GenerateKey_PrintedHashConfigured_KeyActsForItsTenantOnly()
    {
        var (key, hash) = await GenerateAsync();
        var tenant = ChannelHostFixture.NewTenant();
        var dataDirectory = OnboardingHost.NewDataDirectory();
        try
        {
            await using var host = await OnboardingHost.StartAsync(
                dataDirectory, new CapturedLogs(), $"--Auth:ApiKeys:0:Sha256={hash}", $"--Auth:ApiKeys:0:HelpdeskAccountIds:0={tenant}");

            var (ownExit, own, _) = await RunAsync("--address", host.Address, "--api-key", key, "list", "--tenant", tenant.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var (otherExit, _, other) = await RunAsync("--address", host.Address, "--api-key", key, "list", "--tenant", (tenant + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            var (noKeyExit, _, noKey) = await RunAsync("--address", host.Address, "list", "--tenant", tenant.ToString(System.Globalization.CultureInfo.InvariantCulture));

            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))), hash);
            Assert.Equal(0, ownExit);
            Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(own).RootElement.ValueKind);
            Assert.Equal(1, otherExit);
            Assert.StartsWith("error: PermissionDenied:", other, StringComparison.Ordinal);
            Assert.Equal(1, noKeyExit);
            Assert.StartsWith("error: Unauthenticated:", noKey, StringComparison.Ordinal);
        }
        finally
        {
            OnboardingHost.DeleteDataDirectory(dataDirectory);
        }
    }

    [Fact]
    public async Task GenerateKey_Twice_DifferentKeysOf256Bits()
    {
        var (first, _) = await GenerateAsync();
        var (second, _) = await GenerateAsync();

        Assert.NotEqual(first, second);
        Assert.Equal(32, Convert.FromBase64String(first.Replace('-', '+').Replace('_', '/') + "=").Length);
    }

    private static async Task<(string Key, string Hash)> GenerateAsync()
    {
        var (exit, stdout, stderr) = await RunAsync("generate-key");
        Assert.True(exit == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var key = Assert.Single(lines, l => l.StartsWith("key:", StringComparison.Ordinal))["key:".Length..].Trim();
        var hash = Assert.Single(lines, l => l.StartsWith("sha256:", StringComparison.Ordinal))["sha256:".Length..].Trim();
        return (key, hash);
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CliApp.RunAsync(args, stdout, stderr, () => null, Ct);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
