extern alias service;

using Channel.Grpc.V1;
using Channel.Persistence.Configuration;
using Channel.Service.Tests.Onboarding;
using Google.Rpc;
using Grpc.Core;
using ChannelHost = service::Channel.Service.Hosting.ChannelHost;

namespace Channel.Service.Tests.Auth;

/// <summary>Start-up rules of Auth:* and the per-key / per-phone limits on the login RPCs.</summary>
public sealed class AuthConfigurationTests : IDisposable
{
    private static readonly string ValidHash = TestApiKeys.Sha256Hex("k");
    private readonly string _dataDirectory = OnboardingHost.NewDataDirectory();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string[], string> InvalidAuth => new()
    {
        { [], "Auth:ApiKeys" },
        { ["--Auth:ApiKeys:0:Sha256=abc", "--Auth:ApiKeys:0:Admin=true"], "Auth:ApiKeys:0:Sha256" },
        { [$"--Auth:ApiKeys:0:Sha256={ValidHash}"], "Auth:ApiKeys:0" },
        { [$"--Auth:ApiKeys:0:Sha256={ValidHash}", "--Auth:ApiKeys:0:Admin=true", "--Auth:ApiKeys:0:HelpdeskAccountIds:0=1"], "Auth:ApiKeys:0" },
        { [$"--Auth:ApiKeys:0:Sha256={ValidHash}", "--Auth:ApiKeys:0:HelpdeskAccountIds:0=-4"], "Auth:ApiKeys:0:HelpdeskAccountIds:0" },
        { [$"--Auth:ApiKeys:0:Sha256={ValidHash}", "--Auth:ApiKeys:0:Admin=true", $"--Auth:ApiKeys:1:Sha256={ValidHash}", "--Auth:ApiKeys:1:Admin=true"], "Auth:ApiKeys:1:Sha256" },
        { [$"--Auth:ApiKeys:0:Sha256={ValidHash}", "--Auth:ApiKeys:0:Admin=true", "--Auth:Disabled=true"], "Auth:Disabled" },
        { ["--Auth:Disabled=maybe"], "Auth:Disabled" },
        { ["--Auth:Disabled=true", "--Auth:RateLimit:PerKey=0"], "Auth:RateLimit:PerKey" },
    };

    [Theory]
    [MemberData(nameof(InvalidAuth))]
    public void Build_InvalidAuth_FailsNamingTheKey(string[] arguments, string key)
    {
        var error = Assert.Throws<InvalidConfigurationException>(() => ChannelHost.Build([$"--Storage:DataDirectory={_dataDirectory}", .. arguments]));

        Assert.Equal(key, error.Key);
    }

    [Fact]
    public async Task Sandbox_NoKeys_StartsOpenAndSaysSo()
    {
        var logs = new CapturedLogs();
        // "--Auth:Disabled=" (blank) keeps the fixture from adding its key and leaves the choice to sandbox mode.
        await using var host = await OnboardingHost.StartAsync(_dataDirectory, logs, "--sandbox", "--Auth:Disabled=");

        var account = await host.Client.CreateAccountAsync(AccountRpcs.Create(ChannelHostFixture.NewTenant(), "+99966 2 7001"), cancellationToken: Ct);

        Assert.Equal(AccountStatus.Pending, account.Status);
        Assert.Contains(logs.Messages, m => m.Contains("Sandbox mode set Auth:Disabled=true", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LoginCalls_OverThePerKeyLimit_ResourceExhaustedWithRetryInfo()
    {
        await using var host = await OnboardingHost.StartAsync(
            _dataDirectory, new CapturedLogs(), "--sandbox", "--Auth:RateLimit:PerKey=2", "--Auth:RateLimit:Window=1.00:00:00");
        var first = await host.CreateAccountAsync("+99966 2 7002");
        var second = await host.CreateAccountAsync("+99966 2 7003");
        await host.Client.SendCodeAsync(new SendCodeRequest { AccountId = first.Id }, cancellationToken: Ct);
        await host.Client.SendCodeAsync(new SendCodeRequest { AccountId = second.Id }, cancellationToken: Ct);

        var error = await RpcAssert.ThrowsAsync(StatusCode.ResourceExhausted, () =>
            host.Client.VerifyCodeAsync(new VerifyCodeRequest { AccountId = first.Id, Code = "22222" }, cancellationToken: Ct).ResponseAsync);

        AssertLimited(error, "API_KEY_RATE_LIMITED");
        Assert.Equal(AccountStatus.CodeSent, (await host.Client.GetAccountAsync(new GetAccountRequest { AccountId = first.Id }, cancellationToken: Ct)).Status);
    }

    [Fact]
    public async Task LoginCalls_OverThePerPhoneLimit_ResourceExhaustedWithRetryInfo()
    {
        await using var host = await OnboardingHost.StartAsync(
            _dataDirectory, new CapturedLogs(), "--sandbox", "--Auth:RateLimit:PerPhone=2", "--Auth:RateLimit:Window=1.00:00:00");
        var account = await host.CreateAccountAsync("+99966 2 7004");
        var other = await host.CreateAccountAsync("+99966 2 7005");
        await host.Client.SendCodeAsync(new SendCodeRequest { AccountId = account.Id }, cancellationToken: Ct);
        await RpcAssert.ThrowsAsync(StatusCode.InvalidArgument, () =>
            host.Client.VerifyCodeAsync(new VerifyCodeRequest { AccountId = account.Id, Code = "11111" }, cancellationToken: Ct).ResponseAsync);

        var error = await RpcAssert.ThrowsAsync(StatusCode.ResourceExhausted, () =>
            host.Client.VerifyCodeAsync(new VerifyCodeRequest { AccountId = account.Id, Code = "22222" }, cancellationToken: Ct).ResponseAsync);
        var otherPhone = await host.Client.SendCodeAsync(new SendCodeRequest { AccountId = other.Id }, cancellationToken: Ct);

        AssertLimited(error, "PHONE_RATE_LIMITED");
        Assert.Equal(AccountStatus.CodeSent, otherPhone.Account.Status);
    }

    public void Dispose() => OnboardingHost.DeleteDataDirectory(_dataDirectory);

    private static void AssertLimited(RpcException error, string reason)
    {
        var status = error.GetRpcStatus()!;
        Assert.Equal(reason, status.GetDetail<ErrorInfo>().Reason);
        var retry = status.GetDetail<RetryInfo>().RetryDelay.ToTimeSpan();
        Assert.InRange(retry, TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(1));
    }
}
