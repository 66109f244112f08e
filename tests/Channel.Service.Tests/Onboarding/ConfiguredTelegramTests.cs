extern alias service;

using System.Text;
using Channel.Domain.Accounts;
using Channel.Grpc.V1;
using Channel.MTProto.Client;
using Channel.MTProto.Emulator;
using Channel.MTProto.Emulator.World;
using Channel.Persistence.Configuration;
using Channel.Persistence.Secrets;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using AccountStatus = Channel.Grpc.V1.AccountStatus;
using ChannelHost = service::Channel.Service.Hosting.ChannelHost;

namespace Channel.Service.Tests.Onboarding;

/// <summary>
/// The host pointed at an emulator this test started, through Telegram:Endpoints and Telegram:PublicKeys (as an
/// operator would point it at Telegram's test DCs): restarts, code expiry, our SendCode limit, secrets at rest and in logs.
/// </summary>
public sealed class ConfiguredTelegramTests : IAsyncLifetime
{
    private readonly string _dataDirectory = OnboardingHost.NewDataDirectory();
    private readonly CapturedLogs _logs = new();
    private TelegramEmulator? _emulator;
    private string[] _arguments = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private TelegramEmulator Emulator => _emulator!;

    public async ValueTask InitializeAsync()
    {
        var options = new EmulatorOptions { DcIds = [2, 4], World = new WorldOptions { CodeLifetime = TimeSpan.FromSeconds(2) } };
        _emulator = await TelegramEmulator.StartAsync(options, cancellationToken: Ct);
        Directory.CreateDirectory(_dataDirectory);
        var keyPath = Path.Combine(_dataDirectory, "telegram.pem");
        await File.WriteAllTextAsync(keyPath, _emulator.PublicKeyPem, Ct);
        _arguments =
        [
            .. _emulator.Dcs.Select((dc, i) => $"--Telegram:Endpoints:{i}={dc.Key}>{dc.Value}"),
            $"--Telegram:PublicKeys:0={keyPath}",
            "--Onboarding:SendCodeLimit=3",
        ];
    }

    public async ValueTask DisposeAsync()
    {
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }

        OnboardingHost.DeleteDataDirectory(_dataDirectory);
    }

    [Fact]
    public async Task VerifyCode_AfterServiceRestart_UsesTheSavedSessionAndActivates()
    {
        string accountId;
        await using (var first = await OnboardingHost.StartAsync(_dataDirectory, _logs, _arguments))
        {
            accountId = (await first.CreateAccountAsync("+99966 2 1001")).Id;
            await first.Client.SendCodeAsync(new SendCodeRequest { AccountId = accountId }, cancellationToken: Ct);
        }

        await using var second = await OnboardingHost.StartAsync(_dataDirectory, _logs, _arguments);
        var verified = await second.Client.VerifyCodeAsync(new VerifyCodeRequest { AccountId = accountId, Code = "22222" }, cancellationToken: Ct);

        Assert.Equal(AccountStatus.Active, verified.Account.Status);
    }

    [Fact]
    public async Task VerifyCode_ExpiredCode_FailedPreconditionPhoneCodeExpired()
    {
        await using var host = await OnboardingHost.StartAsync(_dataDirectory, _logs, _arguments);
        var account = await host.CreateAccountAsync("+99966 2 1002");
        await host.Client.SendCodeAsync(new SendCodeRequest { AccountId = account.Id }, cancellationToken: Ct);

        // The emulator's codes live 2 seconds here; wait until this one is surely gone.
        await Task.Delay(TimeSpan.FromSeconds(3), Ct);

        await OnboardingAssert.FailsAsync(StatusCode.FailedPrecondition, "PHONE_CODE_EXPIRED", () =>
            host.Client.VerifyCodeAsync(new VerifyCodeRequest { AccountId = account.Id, Code = "22222" }, cancellationToken: Ct).ResponseAsync);
        var again = await host.Client.SendCodeAsync(new SendCodeRequest { AccountId = account.Id }, cancellationToken: Ct);
        Assert.Equal(AccountStatus.CodeSent, again.Account.Status);
    }

    [Fact]
    public async Task SendCode_OverThePerPhoneLimit_ResourceExhaustedBeforeTelegramIsAsked()
    {
        await using var host = await OnboardingHost.StartAsync(_dataDirectory, _logs, _arguments);
        var account = await host.CreateAccountAsync("+99966 2 1003");
        for (var i = 0; i < 3; i++)
        {
            await host.Client.SendCodeAsync(new SendCodeRequest { AccountId = account.Id }, cancellationToken: Ct);
        }

        var codeBefore = Emulator.World.LastCode("+9996621003");
        Emulator.World.InjectFlood("auth.sendCode", seconds: 5, count: 1);
        var error = await RpcAssert.ThrowsAsync(StatusCode.ResourceExhausted, () =>
            host.Client.SendCodeAsync(new SendCodeRequest { AccountId = account.Id }, cancellationToken: Ct).ResponseAsync);

        Assert.Equal("SEND_CODE_RATE_LIMITED", OnboardingAssert.ErrorInfo(error).Reason);
        var retry = error.GetRpcStatus()!.GetDetail<RetryInfo>()!.RetryDelay.ToTimeSpan();
        Assert.InRange(retry, TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));
        Assert.Equal(codeBefore, Emulator.World.LastCode("+9996621003"));

        // The injected flood wait is still pending: Telegram was not asked.
        var other = await host.CreateAccountAsync("+99966 2 1004");
        await RpcAssert.ThrowsAsync(StatusCode.ResourceExhausted, () =>
            host.Client.SendCodeAsync(new SendCodeRequest { AccountId = other.Id }, cancellationToken: Ct).ResponseAsync);
    }

    [Fact]
    public async Task ActiveLogin_DatabaseAndLogs_HoldNoPlaintextSecrets()
    {
        const string Password = "sEcret-pa55word";
        Emulator.World.CreateUser(new NewUser("+99966 2 1005", "Eve", Password: Password));
        string accountId;
        await using (var host = await OnboardingHost.StartAsync(_dataDirectory, _logs, _arguments))
        {
            accountId = (await host.CreateAccountAsync("+99966 2 1005")).Id;
            await host.Client.SendCodeAsync(new SendCodeRequest { AccountId = accountId }, cancellationToken: Ct);
            await RpcAssert.ThrowsAsync(StatusCode.InvalidArgument, () =>
                host.Client.VerifyCodeAsync(new VerifyCodeRequest { AccountId = accountId, Code = "12121" }, cancellationToken: Ct).ResponseAsync);
            await host.Client.VerifyCodeAsync(new VerifyCodeRequest { AccountId = accountId, Code = "22222" }, cancellationToken: Ct);
            await host.Client.SubmitPasswordAsync(new SubmitPasswordRequest { AccountId = accountId, Password = Password }, cancellationToken: Ct);

            await using var scope = host.Services.CreateAsyncScope();
            var sessionBytes = await scope.ServiceProvider.GetRequiredService<AccountSecretStore>()
                .LoadSessionAsync(new TelegramAccountId(Guid.Parse(accountId)), Ct);
            var session = MTProtoSessionState.Deserialize(sessionBytes!);
            Assert.True(session.IsAuthorized);
            var authKey = session.GetAuthKey(session.MainDcId)!.Key.ToArray();

            var database = await ReadDatabaseAsync();
            string[] textSecrets = [OnboardingHost.ApiHash, Password, "22222", "12121"];
            foreach (var secret in textSecrets)
            {
                Assert.Equal(-1, database.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)));
                Assert.Equal(-1, database.AsSpan().IndexOf(Encoding.Unicode.GetBytes(secret)));
            }

            Assert.Equal(-1, database.AsSpan().IndexOf(sessionBytes));
            Assert.Equal(-1, database.AsSpan().IndexOf(authKey.AsSpan(0, 32)));

            string[] logSecrets = [.. textSecrets, "+9996621005", "9996621005", Convert.ToHexString(authKey[..16]), Convert.ToBase64String(authKey[..15])];
            var ours = _logs.Messages.Where(m => !m.Contains("Channel.MTProto.Emulator", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(ours);
            foreach (var secret in logSecrets)
            {
                Assert.DoesNotContain(ours, m => m.Contains(secret, StringComparison.OrdinalIgnoreCase));
            }
        }
    }

    [Fact]
    public async Task SendCode_TelegramUnreachable_Unavailable()
    {
        // A loopback port nobody listens on any more.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var host = await OnboardingHost.StartAsync(
            _dataDirectory, _logs, $"--Telegram:Endpoints:0=2>127.0.0.1:{port}", _arguments[^2], "--Telegram:RequestTimeout=00:00:02");
        var account = await host.CreateAccountAsync("+99966 2 1006");

        var info = await OnboardingAssert.FailsAsync(StatusCode.Unavailable, "TELEGRAM_UNREACHABLE", () =>
            host.Client.SendCodeAsync(new SendCodeRequest { AccountId = account.Id }, cancellationToken: Ct).ResponseAsync);

        Assert.Equal("2", info.Metadata["dc"]);
        Assert.Equal(AccountStatus.Pending, (await host.Client.GetAccountAsync(new GetAccountRequest { AccountId = account.Id }, cancellationToken: Ct)).Status);
    }

    [Theory]
    [InlineData("--Telegram:RequestTimeout=0", "Telegram:RequestTimeout")]
    [InlineData("--Telegram:Endpoints:0=127.0.0.1:4430", "Telegram:Endpoints:0")]
    [InlineData("--Telegram:Endpoints:0=x>127.0.0.1:4430", "Telegram:Endpoints:0")]
    [InlineData("--Telegram:PublicKeys:0=/nonexistent/key.pem", "Telegram:PublicKeys:0")]
    [InlineData("--Telegram:Sandbox=maybe", "Telegram:Sandbox")]
    [InlineData("--Telegram:Transport=carrier-pigeon", "Telegram:Transport")]
    [InlineData("--Telegram:SessionCheckInterval=-00:05:00", "Telegram:SessionCheckInterval")]
    [InlineData("--Telegram:SessionCheckInterval=2.00:00:00", "Telegram:SessionCheckInterval")]
    [InlineData("--Onboarding:MaxWrongCodes=0", "Onboarding:MaxWrongCodes")]
    [InlineData("--Onboarding:MaxWrongPasswords=101", "Onboarding:MaxWrongPasswords")]
    [InlineData("--Onboarding:SendCodeLimit=many", "Onboarding:SendCodeLimit")]
    [InlineData("--Onboarding:SendCodeWindow=-01:00:00", "Onboarding:SendCodeWindow")]
    public void Build_InvalidTelegramConfiguration_FailsNamingTheKey(string argument, string key)
    {
        var error = Assert.Throws<InvalidConfigurationException>(() => ChannelHost.Build([$"--Storage:DataDirectory={_dataDirectory}", argument]));

        Assert.Equal(key, error.Key);
    }

    /// <summary>The SQLite file and its WAL, as raw bytes.</summary>
    private async Task<byte[]> ReadDatabaseAsync()
    {
        var bytes = new List<byte>();
        foreach (var file in Directory.EnumerateFiles(_dataDirectory, "channel.db*"))
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, Ct);
            bytes.AddRange(buffer.ToArray());
        }

        return [.. bytes];
    }
}
