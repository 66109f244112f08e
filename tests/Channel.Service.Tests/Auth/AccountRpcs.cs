using Channel.Grpc.V1;

namespace Channel.Service.Tests.Auth;

/// <summary>Every RPC of channel.v1.TelegramAccounts, each as one call on an account id or a tenant.</summary>
internal static class AccountRpcs
{
    public const string ApiHash = "0123456789abcdef0123456789abcdef";

    private static int _nextPhone = 8000;

    /// <summary>The RPCs that name an account, by name: a call on that account id.</summary>
    public static readonly IReadOnlyDictionary<string, Func<TelegramAccounts.TelegramAccountsClient, string, CancellationToken, Task>> OnAccount =
        new Dictionary<string, Func<TelegramAccounts.TelegramAccountsClient, string, CancellationToken, Task>>
        {
            ["GetAccount"] = (c, id, ct) => c.GetAccountAsync(new GetAccountRequest { AccountId = id }, cancellationToken: ct).ResponseAsync,
            ["DeleteAccount"] = (c, id, ct) => c.DeleteAccountAsync(new DeleteAccountRequest { AccountId = id }, cancellationToken: ct).ResponseAsync,
            ["SendCode"] = (c, id, ct) => c.SendCodeAsync(new SendCodeRequest { AccountId = id }, cancellationToken: ct).ResponseAsync,
            ["ResendCode"] = (c, id, ct) => c.ResendCodeAsync(new ResendCodeRequest { AccountId = id }, cancellationToken: ct).ResponseAsync,
            ["VerifyCode"] = (c, id, ct) => c.VerifyCodeAsync(new VerifyCodeRequest { AccountId = id, Code = "22222" }, cancellationToken: ct).ResponseAsync,
            ["SubmitPassword"] = (c, id, ct) => c.SubmitPasswordAsync(new SubmitPasswordRequest { AccountId = id, Password = "secret" }, cancellationToken: ct).ResponseAsync,
            ["LogOut"] = (c, id, ct) => c.LogOutAsync(new LogOutRequest { AccountId = id }, cancellationToken: ct).ResponseAsync,
            ["CancelCode"] = (c, id, ct) => c.CancelCodeAsync(new CancelCodeRequest { AccountId = id }, cancellationToken: ct).ResponseAsync,
        };

    /// <summary>The RPCs that name a tenant.</summary>
    public static readonly IReadOnlyDictionary<string, Func<TelegramAccounts.TelegramAccountsClient, long, CancellationToken, Task>> OnTenant =
        new Dictionary<string, Func<TelegramAccounts.TelegramAccountsClient, long, CancellationToken, Task>>
        {
            ["CreateAccount"] = (c, tenant, ct) => c.CreateAccountAsync(Create(tenant, $"+99966 2 {Interlocked.Increment(ref _nextPhone)}"), cancellationToken: ct).ResponseAsync,
            ["ListAccounts"] = (c, tenant, ct) => c.ListAccountsAsync(new ListAccountsRequest { HelpdeskAccountId = tenant }, cancellationToken: ct).ResponseAsync,
        };

    public static IEnumerable<string> AllNames => OnAccount.Keys.Concat(OnTenant.Keys);

    public static CreateAccountRequest Create(long tenant, string phone) => new()
    {
        HelpdeskAccountId = tenant,
        ApiId = 12345,
        ApiHash = ApiHash,
        PhoneNumber = phone,
        DisplayName = "Support",
    };

    /// <summary>The RPC by name, with <paramref name="accountId"/> or <paramref name="tenant"/> as it needs.</summary>
    public static Task Call(string name, TelegramAccounts.TelegramAccountsClient client, string accountId, long tenant, CancellationToken ct) =>
        OnAccount.TryGetValue(name, out var onAccount) ? onAccount(client, accountId, ct) : OnTenant[name](client, tenant, ct);
}
