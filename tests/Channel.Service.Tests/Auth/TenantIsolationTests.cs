using Channel.Grpc.V1;
using Google.Rpc;
using Grpc.Core;
using Grpc.Health.V1;

namespace Channel.Service.Tests.Auth;

/// <summary>
/// API keys and tenancy across every RPC of channel.v1.TelegramAccounts: a key for tenant A meets tenant B's accounts
/// as NOT_FOUND (exactly as a missing id), cannot create or list for B (PERMISSION_DENIED), and no call without a valid
/// key gets through (UNAUTHENTICATED); health stays open.
/// </summary>
public sealed class TenantIsolationTests(TenantHostFixture fixture) : IClassFixture<TenantHostFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> AccountRpcNames => [.. AccountRpcs.OnAccount.Keys];

    public static TheoryData<string> TenantRpcNames => [.. AccountRpcs.OnTenant.Keys];

    public static TheoryData<string> AllRpcNames => [.. AccountRpcs.AllNames];

    [Theory]
    [MemberData(nameof(AccountRpcNames))]
    public async Task OtherTenantsAccount_EveryRpc_NotFoundLikeAMissingIdAndNothingChanges(string rpc)
    {
        var (channelA, clientA) = fixture.ClientWith(TenantHostFixture.KeyA);
        var (channelB, clientB) = fixture.ClientWith(TenantHostFixture.KeyB);
        using (channelA)
        using (channelB)
        {
            // A's account mid-login (CodeSent), where most login RPCs would do something.
            var phone = NewPhone();
            var account = await clientA.CreateAccountAsync(AccountRpcs.Create(TenantHostFixture.TenantA, phone), cancellationToken: Ct);
            await clientA.SendCodeAsync(new SendCodeRequest { AccountId = account.Id }, cancellationToken: Ct);
            var auditBefore = (await fixture.Host.AuditAsync(account.Id)).Count;

            var foreign = await RpcAssert.ThrowsAsync(StatusCode.NotFound, () => AccountRpcs.OnAccount[rpc](clientB, account.Id, Ct));
            var missingId = Guid.NewGuid().ToString();
            var missing = await RpcAssert.ThrowsAsync(StatusCode.NotFound, () => AccountRpcs.OnAccount[rpc](clientB, missingId, Ct));

            Assert.Equal(missing.Status.Detail.Replace(missingId, "<id>", StringComparison.Ordinal), foreign.Status.Detail.Replace(account.Id, "<id>", StringComparison.Ordinal));
            Assert.Equal("ACCOUNT_NOT_FOUND", foreign.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
            var after = await clientA.GetAccountAsync(new GetAccountRequest { AccountId = account.Id }, cancellationToken: Ct);
            Assert.Equal(AccountStatus.CodeSent, after.Status);
            Assert.Equal(auditBefore, (await fixture.Host.AuditAsync(account.Id)).Count);
        }
    }

    [Theory]
    [MemberData(nameof(TenantRpcNames))]
    public async Task OtherTenant_CreateOrList_PermissionDenied(string rpc)
    {
        var (channelA, clientA) = fixture.ClientWith(TenantHostFixture.KeyA);
        using (channelA)
        {
            var error = await RpcAssert.ThrowsAsync(
                StatusCode.PermissionDenied, () => AccountRpcs.OnTenant[rpc](clientA, TenantHostFixture.TenantB, Ct));

            Assert.Equal("TENANT_NOT_ALLOWED", error.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
        }
    }

    [Fact]
    public async Task OwnTenant_ListShowsOnlyOwnAccounts_AdminSeesBoth()
    {
        var (channelA, clientA) = fixture.ClientWith(TenantHostFixture.KeyA);
        var (channelB, clientB) = fixture.ClientWith(TenantHostFixture.KeyB);
        using (channelA)
        using (channelB)
        {
            var a = await clientA.CreateAccountAsync(AccountRpcs.Create(TenantHostFixture.TenantA, NewPhone()), cancellationToken: Ct);
            var b = await clientB.CreateAccountAsync(AccountRpcs.Create(TenantHostFixture.TenantB, NewPhone()), cancellationToken: Ct);

            var listA = await clientA.ListAccountsAsync(new ListAccountsRequest { HelpdeskAccountId = TenantHostFixture.TenantA, PageSize = 500 }, cancellationToken: Ct);
            var adminA = await fixture.Host.Client.GetAccountAsync(new GetAccountRequest { AccountId = a.Id }, cancellationToken: Ct);
            var adminB = await fixture.Host.Client.GetAccountAsync(new GetAccountRequest { AccountId = b.Id }, cancellationToken: Ct);

            Assert.Contains(listA.Accounts, x => x.Id == a.Id);
            Assert.DoesNotContain(listA.Accounts, x => x.Id == b.Id);
            Assert.All(listA.Accounts, x => Assert.Equal(TenantHostFixture.TenantA, x.HelpdeskAccountId));
            Assert.Equal((TenantHostFixture.TenantA, TenantHostFixture.TenantB), (adminA.HelpdeskAccountId, adminB.HelpdeskAccountId));
        }
    }

    [Fact]
    public async Task OwnTenant_LoginThroughToActiveAndDelete_Succeeds()
    {
        var (channelA, clientA) = fixture.ClientWith(TenantHostFixture.KeyA);
        using (channelA)
        {
            var account = await clientA.CreateAccountAsync(AccountRpcs.Create(TenantHostFixture.TenantA, NewPhone()), cancellationToken: Ct);
            await clientA.SendCodeAsync(new SendCodeRequest { AccountId = account.Id }, cancellationToken: Ct);
            var verified = await clientA.VerifyCodeAsync(new VerifyCodeRequest { AccountId = account.Id, Code = "22222" }, cancellationToken: Ct);
            await clientA.DeleteAccountAsync(new DeleteAccountRequest { AccountId = account.Id }, cancellationToken: Ct);

            Assert.Equal(AccountStatus.Active, verified.Account.Status);
            await RpcAssert.ThrowsAsync(StatusCode.NotFound, () => clientA.GetAccountAsync(new GetAccountRequest { AccountId = account.Id }, cancellationToken: Ct).ResponseAsync);
        }
    }

    [Theory]
    [MemberData(nameof(AllRpcNames))]
    public async Task NoKey_EveryRpc_Unauthenticated(string rpc)
    {
        var existing = await fixture.Host.CreateAccountAsync(NewPhone());
        var (channel, client) = fixture.ClientWith(key: null);
        using (channel)
        {
            var error = await RpcAssert.ThrowsAsync(StatusCode.Unauthenticated, () => AccountRpcs.Call(rpc, client, existing.Id, existing.HelpdeskAccountId, Ct));

            Assert.Equal("API_KEY_INVALID", error.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
        }
    }

    [Theory]
    [MemberData(nameof(AllRpcNames))]
    public async Task UnknownKey_EveryRpc_Unauthenticated(string rpc)
    {
        var existing = await fixture.Host.CreateAccountAsync(NewPhone());
        var (channel, client) = fixture.ClientWith(TestApiKeys.NewKey());
        using (channel)
        {
            await RpcAssert.ThrowsAsync(StatusCode.Unauthenticated, () => AccountRpcs.Call(rpc, client, existing.Id, existing.HelpdeskAccountId, Ct));
        }
    }

    [Fact]
    public async Task Health_NoKey_Serving()
    {
        var (channel, _) = fixture.ClientWith(key: null);
        using (channel)
        {
            var reply = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest { Service = "liveness" }, cancellationToken: Ct);

            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
        }
    }

    private static int _nextPhone = 5000;

    // Sandbox test numbers on DC 2, one per account of this class's host.
    private static string NewPhone() => $"+99966 2 {Interlocked.Increment(ref _nextPhone)}";
}
