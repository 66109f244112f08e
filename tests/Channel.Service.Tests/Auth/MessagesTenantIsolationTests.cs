using Channel.Grpc.V1;
using Google.Rpc;
using Grpc.Core;

namespace Channel.Service.Tests.Auth;

/// <summary>
/// API keys and tenancy across every RPC of channel.v1.TelegramMessages: another tenant's account is NOT_FOUND exactly
/// as a missing id (nothing is recorded for it), and no call without a valid key gets through.
/// </summary>
public sealed class MessagesTenantIsolationTests(TenantHostFixture fixture) : IClassFixture<TenantHostFixture>
{
    private static int _nextPhone = 6000;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> RpcNames => [.. MessageRpcs.OnAccount.Keys];

    [Theory]
    [MemberData(nameof(RpcNames))]
    public async Task OtherTenantsAccount_EveryRpc_NotFoundLikeAMissingId(string rpc)
    {
        var (channelA, accountsA) = fixture.ClientWith(TenantHostFixture.KeyA);
        var (channelB, _) = fixture.ClientWith(TenantHostFixture.KeyB);
        using (channelA)
        using (channelB)
        {
            var account = await accountsA.CreateAccountAsync(AccountRpcs.Create(TenantHostFixture.TenantA, NewPhone()), cancellationToken: Ct);
            var messagesB = new TelegramMessages.TelegramMessagesClient(channelB);

            var foreign = await RpcAssert.ThrowsAsync(StatusCode.NotFound, () => MessageRpcs.OnAccount[rpc](messagesB, account.Id, Ct));
            var missingId = Guid.NewGuid().ToString();
            var missing = await RpcAssert.ThrowsAsync(StatusCode.NotFound, () => MessageRpcs.OnAccount[rpc](messagesB, missingId, Ct));

            Assert.Equal(missing.Status.Detail.Replace(missingId, "<id>", StringComparison.Ordinal), foreign.Status.Detail.Replace(account.Id, "<id>", StringComparison.Ordinal));
            Assert.Equal("ACCOUNT_NOT_FOUND", foreign.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);

            // The owner gets past the tenant check to the account's state (not Active yet), so the check is the tenant's.
            var own = await RpcAssert.ThrowsAsync(StatusCode.FailedPrecondition, () => MessageRpcs.OnAccount[rpc](new TelegramMessages.TelegramMessagesClient(channelA), account.Id, Ct));
            Assert.NotEqual("ACCOUNT_NOT_FOUND", own.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason);
        }
    }

    [Theory]
    [MemberData(nameof(RpcNames))]
    public async Task NoKeyOrUnknownKey_EveryRpc_Unauthenticated(string rpc)
    {
        var existing = await fixture.Host.CreateAccountAsync(NewPhone());
        foreach (var key in new[] { null, TestApiKeys.NewKey() })
        {
            var (channel, _) = fixture.ClientWith(key);
            using (channel)
            {
                var error = await RpcAssert.ThrowsAsync(StatusCode.Unauthenticated, () => MessageRpcs.OnAccount[rpc](new TelegramMessages.TelegramMessagesClient(channel), existing.Id, Ct));

                Assert.Equal("API_KEY_INVALID", error.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
            }
        }
    }

    // Sandbox test numbers on DC 2, one per account of this class's host.
    private static string NewPhone() => $"+99966 2 {Interlocked.Increment(ref _nextPhone)}";
}
