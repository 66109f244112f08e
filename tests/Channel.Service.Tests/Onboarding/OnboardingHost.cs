extern alias service;

using Channel.Grpc.V1;
using Channel.Persistence;
using Channel.Persistence.Audit;
using Channel.Persistence.Secrets;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ChannelHost = service::Channel.Service.Hosting.ChannelHost;
using ManagementListener = service::Channel.Service.Hosting.ManagementListener;

namespace Channel.Service.Tests.Onboarding;

/// <summary>
/// The real host (Kestrel, HTTP/2, SQLite in a temporary data directory) with every log message captured, called
/// through a real <see cref="GrpcChannel"/>. Telegram is our emulator over TCP: in-process sandbox mode, or an
/// emulator the test started and configured through Telegram:Endpoints / Telegram:PublicKeys.
/// </summary>
public sealed class OnboardingHost : IAsyncDisposable
{
    public const string ApiHash = "0123456789abcdef0123456789abcdef";

    private readonly WebApplication _app;

    private OnboardingHost(WebApplication app, string dataDirectory, CapturedLogs logs, string? apiKey)
    {
        _app = app;
        DataDirectory = dataDirectory;
        Logs = logs;
        ManagementAddress = app.Services.GetRequiredService<ManagementListener>().Address
            ?? throw new InvalidOperationException("The management listener is not bound.");
        Address = app.Urls.Single(url => new Uri(url) != ManagementAddress);
        Channel = TestApiKeys.Channel(Address, apiKey);
        Client = new TelegramAccounts.TelegramAccountsClient(Channel);
    }

    /// <summary>An HTTP/2 channel to the host, for any of its gRPC services, sending the fixture's admin API key (when auth is on).</summary>
    public GrpcChannel Channel { get; }

    /// <summary>The HTTP/1.1 management listener: /metrics, /healthz/live, /healthz/ready.</summary>
    public Uri ManagementAddress { get; }

    public TelegramAccounts.TelegramAccountsClient Client { get; }

    public string DataDirectory { get; }

    public CapturedLogs Logs { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>The gRPC listener.</summary>
    public string Address { get; }

    public static string NewDataDirectory() => Path.Combine(Path.GetTempPath(), "channel-tests", Guid.NewGuid().ToString("N"));

    /// <summary>Starts a host on <paramref name="dataDirectory"/> with extra configuration arguments.</summary>
    public static Task<OnboardingHost> StartAsync(string dataDirectory, CapturedLogs logs, params string[] arguments) =>
        StartAsync(dataDirectory, logs, configureServices: null, arguments);

    /// <summary>As above; <paramref name="configureServices"/> replaces services after the host's own registrations.</summary>
    public static async Task<OnboardingHost> StartAsync(
        string dataDirectory, CapturedLogs logs, Action<IServiceCollection>? configureServices, params string[] arguments)
    {
        // A real admin key unless the test turns authentication off itself.
        var authOff = arguments.Any(a => a.StartsWith("--Auth:Disabled=", StringComparison.OrdinalIgnoreCase));
        var app = ChannelHost.Build(
        [
            $"--Storage:DataDirectory={dataDirectory}",
            "--Service:ListenUrl=http://127.0.0.1:0",
            "--Service:ManagementUrl=http://127.0.0.1:0",
            "--Logging:LogLevel:Default=Trace",
            "--Logging:Console:LogLevel:Default=Warning",
            .. authOff ? [] : TestApiKeys.AdminArguments,
            .. arguments,
        ], configureServices);
        app.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new OnboardingHost(app, dataDirectory, logs, authOff ? null : TestApiKeys.Admin);
    }

    public async Task<TelegramAccount> CreateAccountAsync(string phone) =>
        await Client.CreateAccountAsync(
            new CreateAccountRequest
            {
                HelpdeskAccountId = ChannelHostFixture.NewTenant(),
                ApiId = 12345,
                ApiHash = ApiHash,
                PhoneNumber = phone,
                DisplayName = "Support",
            },
            cancellationToken: TestContext.Current.CancellationToken);

    /// <summary>Creates an account for a Telegram test number and logs it in with the test code: Active.</summary>
    public async Task<TelegramAccount> CreateActiveAccountAsync(string phone)
    {
        var account = await CreateAccountAsync(phone);
        await Client.SendCodeAsync(new SendCodeRequest { AccountId = account.Id }, cancellationToken: TestContext.Current.CancellationToken);
        var verified = await Client.VerifyCodeAsync(
            new VerifyCodeRequest { AccountId = account.Id, Code = "22222" }, cancellationToken: TestContext.Current.CancellationToken);
        return verified.Account;
    }

    /// <summary>The account row as the service stored it.</summary>
    public async Task<Channel.Domain.Accounts.TelegramAccount> LoadAccountAsync(string accountId)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
        var id = ParseId(accountId);
        return await db.Accounts.AsNoTracking().SingleAsync(a => a.Id == id, TestContext.Current.CancellationToken);
    }

    /// <summary>The account's saved MTProto session, decrypted; null when none is stored.</summary>
    public async Task<byte[]?> LoadSessionAsync(string accountId)
    {
        await using var scope = Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<AccountSecretStore>();
        return await store.LoadSessionAsync(ParseId(accountId), TestContext.Current.CancellationToken);
    }

    /// <summary>The account's onboarding audit, oldest first.</summary>
    public async Task<List<OnboardingAuditRecord>> AuditAsync(string accountId)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
        var id = Guid.Parse(accountId);
        return await db.OnboardingAudit.AsNoTracking().Where(r => r.AccountId == id).OrderBy(r => r.Id).ToListAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Stops the host; the data directory stays (a restarted host uses it).</summary>
    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }

    private static Channel.Domain.Accounts.TelegramAccountId ParseId(string accountId) => new(Guid.Parse(accountId));

    public static void DeleteDataDirectory(string dataDirectory)
    {
        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}

/// <summary>One host, started with the given configuration arguments, shared by a test class.</summary>
public class OnboardingHostFixture(params string[] arguments) : IAsyncLifetime
{
    private readonly string _dataDirectory = OnboardingHost.NewDataDirectory();
    private OnboardingHost? _host;

    public OnboardingHost Host => _host ?? throw new InvalidOperationException("The host is not started.");

    public CapturedLogs Logs { get; } = new();

    public async ValueTask InitializeAsync() => _host = await OnboardingHost.StartAsync(_dataDirectory, Logs, arguments);

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        OnboardingHost.DeleteDataDirectory(_dataDirectory);
        GC.SuppressFinalize(this);
    }
}

/// <summary>A sandbox-mode host (the emulator in-process) with the default settings.</summary>
public sealed class SandboxHostFixture() : OnboardingHostFixture("--sandbox");

/// <summary>
/// What the sandbox-mode test classes share: the fixture's host, its gRPC client and its emulator world. Each test
/// uses its own phone numbers and tenant.
/// </summary>
public abstract class SandboxTests(OnboardingHostFixture fixture)
{
    protected OnboardingHost Host { get; } = fixture.Host;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected TelegramAccounts.TelegramAccountsClient Client => Host.Client;

    protected Channel.MTProto.Emulator.World.EmulatorWorld World => Host.Services.GetSandboxWorld();

    protected async Task<AccountStatus> StatusAsync(string accountId) =>
        (await Client.GetAccountAsync(new GetAccountRequest { AccountId = accountId }, cancellationToken: Ct)).Status;
}

internal static class SandboxServices
{
    /// <summary>The sandbox host's in-process emulator.</summary>
    public static Channel.MTProto.Emulator.TelegramEmulator GetSandboxEmulator(this IServiceProvider services) =>
        services.GetRequiredService<service::Channel.Service.Sandbox.SandboxEmulator>().Emulator;

    /// <summary>Its world (users, codes, flood rules).</summary>
    public static Channel.MTProto.Emulator.World.EmulatorWorld GetSandboxWorld(this IServiceProvider services) =>
        services.GetSandboxEmulator().World;
}
