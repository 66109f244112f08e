using Channel.Grpc.V1;
using Channel.Service.Tests.Onboarding;

namespace Channel.Service.Tests.Auth;

/// <summary>
/// A sandbox host with three keys: the fixture's admin key, <see cref="KeyA"/> for tenant <see cref="TenantA"/> and
/// <see cref="KeyB"/> for <see cref="TenantB"/> (tenants and keys fresh per run).
/// </summary>
public sealed class TenantHostFixture() : OnboardingHostFixture(
[
    "--sandbox",
    $"--Auth:ApiKeys:0:Sha256={TestApiKeys.Sha256Hex(KeyA)}",
    $"--Auth:ApiKeys:0:HelpdeskAccountIds:0={TenantA}",
    $"--Auth:ApiKeys:1:Sha256={TestApiKeys.Sha256Hex(KeyB)}",
    $"--Auth:ApiKeys:1:HelpdeskAccountIds:0={TenantB}",
])
{
    public static string KeyA { get; } = TestApiKeys.NewKey();

    public static string KeyB { get; } = TestApiKeys.NewKey();

    public static long TenantA { get; } = ChannelHostFixture.NewTenant();

    public static long TenantB { get; } = ChannelHostFixture.NewTenant();

    /// <summary>A client sending <paramref name="key"/> (no authorization header when null); dispose the channel.</summary>
    public (global::Grpc.Net.Client.GrpcChannel Channel, TelegramAccounts.TelegramAccountsClient Client) ClientWith(string? key)
    {
        var channel = TestApiKeys.Channel(Host.Address, key);
        return (channel, new TelegramAccounts.TelegramAccountsClient(channel));
    }
}
