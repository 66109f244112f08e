extern alias service;

using Channel.Domain.Accounts;
using Channel.Grpc.V1;
using Channel.Persistence;
using Channel.Persistence.Secrets;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using AccountStatus = Channel.Grpc.V1.AccountStatus;
using TelegramAccount = Channel.Grpc.V1.TelegramAccount;

namespace Channel.Service.Tests;

/// <summary>channel.v1.TelegramAccounts end to end: real host, real HTTP/2, real SQLite file.</summary>
public sealed class TelegramAccountsApiTests(ChannelHostFixture host) : IClassFixture<ChannelHostFixture>
{
    private const string ApiHash = "00112233445566778899aabbccddeeff";
    private readonly TelegramAccounts.TelegramAccountsClient _client = new(host.Channel);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateAccount_ValidRequest_ReturnsPendingAccountWithE164Phone()
    {
        var tenant = ChannelHostFixture.NewTenant();

        var account = await _client.CreateAccountAsync(Request(tenant, "+49 151 1234-5678"), cancellationToken: Ct);

        Assert.True(Guid.TryParse(account.Id, out _));
        Assert.Equal(tenant, account.HelpdeskAccountId);
        Assert.Equal("+4915112345678", account.PhoneNumber);
        Assert.Equal("Support", account.DisplayName);
        Assert.Equal(AccountStatus.Pending, account.Status);
        Assert.Null(account.TelegramUser);
        Assert.NotNull(account.CreatedAt);
        Assert.Equal(account.CreatedAt, account.UpdatedAt);
    }

    [Fact]
    public async Task CreateAccount_ApiHash_IsStoredEncryptedAndNeverReturned()
    {
        var account = await _client.CreateAccountAsync(Request(ChannelHostFixture.NewTenant(), "+4915112345670"), cancellationToken: Ct);

        // The reply type has no field that could carry a secret.
        Assert.DoesNotContain(TelegramAccount.Descriptor.Fields.InDeclarationOrder(),
            f => f.Name.Contains("hash", StringComparison.Ordinal) || f.Name.Contains("session", StringComparison.Ordinal));
        Assert.DoesNotContain(ApiHash, account.ToString(), StringComparison.Ordinal);
        await using var scope = host.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<AccountSecretStore>();
        Assert.Equal(ApiHash, await store.GetApiHashAsync(new TelegramAccountId(Guid.Parse(account.Id)), Ct));
    }

    [Fact]
    public async Task GetAccount_Existing_ReturnsSameAccount()
    {
        var created = await _client.CreateAccountAsync(Request(ChannelHostFixture.NewTenant(), "+4915112345671"), cancellationToken: Ct);

        var fetched = await _client.GetAccountAsync(new GetAccountRequest { AccountId = created.Id }, cancellationToken: Ct);

        // A Pending account has no live connection; GetAccount says so, the rest is what CreateAccount returned.
        Assert.Equal(ConnectionState.NotConnected, fetched.Connection.State);
        fetched.Connection = null;
        Assert.Equal(created, fetched);
    }

    [Fact]
    public async Task GetAccount_UnknownId_IsNotFound()
    {
        await RpcAssert.ThrowsAsync(StatusCode.NotFound, () =>
            _client.GetAccountAsync(new GetAccountRequest { AccountId = Guid.NewGuid().ToString() }, cancellationToken: Ct).ResponseAsync);
    }

    [Fact]
    public async Task GetAccount_MalformedId_IsInvalidArgumentNamingAccountId()
    {
        var error = await RpcAssert.ThrowsAsync(StatusCode.InvalidArgument, () =>
            _client.GetAccountAsync(new GetAccountRequest { AccountId = "42" }, cancellationToken: Ct).ResponseAsync);

        Assert.Equal(["account_id"], RpcAssert.ViolatedFields(error));
    }

    [Fact]
    public async Task CreateAccount_EveryFieldInvalid_IsInvalidArgumentWithOneViolationPerField()
    {
        var request = new CreateAccountRequest
        {
            HelpdeskAccountId = 0,
            ApiId = 0,
            ApiHash = "not-a-hash",
            PhoneNumber = "+1 555",
            DisplayName = "  ",
        };

        var error = await RpcAssert.ThrowsAsync(StatusCode.InvalidArgument, () => _client.CreateAccountAsync(request, cancellationToken: Ct).ResponseAsync);

        Assert.Equal(["api_hash", "api_id", "display_name", "helpdesk_account_id", "phone_number"], RpcAssert.ViolatedFields(error));
        Assert.DoesNotContain("not-a-hash", error.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("15551234567")]
    [InlineData("+49 151 abc")]
    [InlineData("+4915")]
    [InlineData("")]
    public async Task CreateAccount_BadPhone_IsInvalidArgumentNamingPhone(string phone)
    {
        var error = await RpcAssert.ThrowsAsync(StatusCode.InvalidArgument, () =>
            _client.CreateAccountAsync(Request(ChannelHostFixture.NewTenant(), phone), cancellationToken: Ct).ResponseAsync);

        Assert.Equal(["phone_number"], RpcAssert.ViolatedFields(error));
    }

    [Fact]
    public async Task CreateAccount_TelegramTestNumber_IsAccepted()
    {
        var account = await _client.CreateAccountAsync(Request(ChannelHostFixture.NewTenant(), "+999 66 2 1234"), cancellationToken: Ct);

        Assert.Equal("+9996621234", account.PhoneNumber);
    }

    [Fact]
    public async Task CreateAccount_SamePhoneTwiceForTenant_IsAlreadyExists()
    {
        var tenant = ChannelHostFixture.NewTenant();
        await _client.CreateAccountAsync(Request(tenant, "+4915112345672"), cancellationToken: Ct);

        await RpcAssert.ThrowsAsync(StatusCode.AlreadyExists, () =>
            _client.CreateAccountAsync(Request(tenant, "0049 151 12345672"), cancellationToken: Ct).ResponseAsync);
        var otherTenant = await _client.CreateAccountAsync(Request(ChannelHostFixture.NewTenant(), "+4915112345672"), cancellationToken: Ct);
        Assert.Equal("+4915112345672", otherTenant.PhoneNumber);
    }

    [Fact]
    public async Task ListAccounts_SmallPages_ReturnsEveryAccountOnceInCreationOrder()
    {
        var tenant = ChannelHostFixture.NewTenant();
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await _client.CreateAccountAsync(Request(tenant, $"+491511234560{i}"), cancellationToken: Ct)).Id);
        }

        var listed = new List<string>();
        var pages = 0;
        var token = string.Empty;
        do
        {
            var page = await _client.ListAccountsAsync(
                new ListAccountsRequest { HelpdeskAccountId = tenant, PageSize = 2, PageToken = token }, cancellationToken: Ct);
            Assert.True(page.Accounts.Count <= 2);
            listed.AddRange(page.Accounts.Select(a => a.Id));
            token = page.NextPageToken;
            pages++;
        }
        while (token.Length > 0);

        Assert.Equal(3, pages);
        Assert.Equal(created, listed);
    }

    [Fact]
    public async Task ListAccounts_DefaultPageSize_ReturnsOnlyThisTenantsAccountsWithoutToken()
    {
        var tenant = ChannelHostFixture.NewTenant();
        await _client.CreateAccountAsync(Request(tenant, "+4915112345673"), cancellationToken: Ct);
        await _client.CreateAccountAsync(Request(ChannelHostFixture.NewTenant(), "+4915112345674"), cancellationToken: Ct);

        var page = await _client.ListAccountsAsync(new ListAccountsRequest { HelpdeskAccountId = tenant }, cancellationToken: Ct);

        Assert.Equal("+4915112345673", Assert.Single(page.Accounts).PhoneNumber);
        Assert.Empty(page.NextPageToken);
    }

    [Fact]
    public async Task ListAccounts_StatusFilter_ReturnsOnlyMatchingStatuses()
    {
        var tenant = ChannelHostFixture.NewTenant();
        var pending = await _client.CreateAccountAsync(Request(tenant, "+4915112345675"), cancellationToken: Ct);
        var banned = await _client.CreateAccountAsync(Request(tenant, "+4915112345676"), cancellationToken: Ct);
        await ChangeAsync(banned.Id, (account, time) => account.MarkBanned(time));

        var onlyBanned = await _client.ListAccountsAsync(
            new ListAccountsRequest { HelpdeskAccountId = tenant, Statuses = { AccountStatus.Banned } }, cancellationToken: Ct);
        var pendingOrActive = await _client.ListAccountsAsync(
            new ListAccountsRequest { HelpdeskAccountId = tenant, Statuses = { AccountStatus.Pending, AccountStatus.Active } }, cancellationToken: Ct);

        var bannedReply = Assert.Single(onlyBanned.Accounts);
        Assert.Equal(banned.Id, bannedReply.Id);
        Assert.Equal(AccountStatus.Banned, bannedReply.Status);
        Assert.Equal(pending.Id, Assert.Single(pendingOrActive.Accounts).Id);
    }

    [Fact]
    public async Task GetAccount_AfterLogin_ReturnsTelegramUser()
    {
        var created = await _client.CreateAccountAsync(Request(ChannelHostFixture.NewTenant(), "+4915112345677"), cancellationToken: Ct);
        await ChangeAsync(created.Id, (account, time) =>
        {
            account.RecordCodeSent(time);
            account.AcceptCode(new TelegramIdentity(4242, "help_desk", "Help", null), 2, time);
        });

        var fetched = await _client.GetAccountAsync(new GetAccountRequest { AccountId = created.Id }, cancellationToken: Ct);

        Assert.Equal(AccountStatus.Active, fetched.Status);
        Assert.Equal(new TelegramUser { Id = 4242, Username = "help_desk", FirstName = "Help", LastName = string.Empty }, fetched.TelegramUser);
    }

    [Theory]
    [InlineData(-1, "", "page_size")]
    [InlineData(10, "garbage!", "page_token")]
    [InlineData(10, "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "page_token")]
    public async Task ListAccounts_BadPaging_IsInvalidArgumentNamingField(int pageSize, string pageToken, string field)
    {
        var error = await RpcAssert.ThrowsAsync(StatusCode.InvalidArgument, () => _client.ListAccountsAsync(
            new ListAccountsRequest { HelpdeskAccountId = ChannelHostFixture.NewTenant(), PageSize = pageSize, PageToken = pageToken },
            cancellationToken: Ct).ResponseAsync);

        Assert.Equal([field], RpcAssert.ViolatedFields(error));
    }

    [Fact]
    public async Task ListAccounts_TokenOfAnotherTenant_IsInvalidArgument()
    {
        var tenant = ChannelHostFixture.NewTenant();
        for (var i = 0; i < 2; i++)
        {
            await _client.CreateAccountAsync(Request(tenant, $"+491511234568{i}"), cancellationToken: Ct);
        }

        var first = await _client.ListAccountsAsync(new ListAccountsRequest { HelpdeskAccountId = tenant, PageSize = 1 }, cancellationToken: Ct);
        Assert.NotEmpty(first.NextPageToken);

        var error = await RpcAssert.ThrowsAsync(StatusCode.InvalidArgument, () => _client.ListAccountsAsync(
            new ListAccountsRequest { HelpdeskAccountId = ChannelHostFixture.NewTenant(), PageSize = 1, PageToken = first.NextPageToken },
            cancellationToken: Ct).ResponseAsync);
        Assert.Equal(["page_token"], RpcAssert.ViolatedFields(error));
    }

    [Fact]
    public async Task ListAccounts_MissingTenantOrUnspecifiedStatus_IsInvalidArgument()
    {
        var error = await RpcAssert.ThrowsAsync(StatusCode.InvalidArgument, () => _client.ListAccountsAsync(
            new ListAccountsRequest { Statuses = { AccountStatus.Unspecified } }, cancellationToken: Ct).ResponseAsync);

        Assert.Equal(["helpdesk_account_id", "statuses"], RpcAssert.ViolatedFields(error));
    }

    [Fact]
    public async Task DeleteAccount_Existing_RemovesAccountAndSecrets()
    {
        var created = await _client.CreateAccountAsync(Request(ChannelHostFixture.NewTenant(), "+4915112345679"), cancellationToken: Ct);
        var id = new TelegramAccountId(Guid.Parse(created.Id));
        await using (var scope = host.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<AccountSecretStore>().SaveSessionAsync(id, new byte[] { 1, 2, 3 }, Ct);
        }

        await _client.DeleteAccountAsync(new DeleteAccountRequest { AccountId = created.Id }, cancellationToken: Ct);

        await RpcAssert.ThrowsAsync(StatusCode.NotFound, () =>
            _client.GetAccountAsync(new GetAccountRequest { AccountId = created.Id }, cancellationToken: Ct).ResponseAsync);
        await using (var scope = host.CreateScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<AccountSecretStore>();
            await Assert.ThrowsAsync<AccountNotFoundException>(() => store.LoadSessionAsync(id, Ct));
        }
    }

    [Fact]
    public async Task DeleteAccount_UnknownId_IsNotFound()
    {
        await RpcAssert.ThrowsAsync(StatusCode.NotFound, () =>
            _client.DeleteAccountAsync(new DeleteAccountRequest { AccountId = Guid.NewGuid().ToString() }, cancellationToken: Ct).ResponseAsync);
    }

    private static CreateAccountRequest Request(long tenant, string phone) => new()
    {
        HelpdeskAccountId = tenant,
        ApiId = 94575,
        ApiHash = ApiHash,
        PhoneNumber = phone,
        DisplayName = "Support",
    };

    /// <summary>Moves an account through the domain directly: the login RPCs that do this arrive later.</summary>
    private async Task ChangeAsync(string accountId, Action<Domain.Accounts.TelegramAccount, TimeProvider> change)
    {
        await using var scope = host.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
        var id = new TelegramAccountId(Guid.Parse(accountId));
        var account = await db.Accounts.SingleAsync(a => a.Id == id, Ct);
        change(account, new FakeTimeProvider(account.UpdatedAt.AddMinutes(1)));
        await db.SaveChangesAsync(Ct);
    }
}
