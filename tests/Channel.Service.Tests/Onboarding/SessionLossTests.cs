extern alias service;

using Channel.Grpc.V1;
using Channel.Persistence;
using Channel.Persistence.Audit;
using Grpc.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using AccountStatus = Channel.Grpc.V1.AccountStatus;
using SessionMonitor = service::Channel.Service.Sessions.SessionMonitor;
using TelegramSettings = service::Channel.Service.Telegram.TelegramSettings;

namespace Channel.Service.Tests.Onboarding;

/// <summary>
/// Telegram ending a logged-in account on its own (the user terminates the session on the phone, a ban, a deleted
/// account), noticed by LogOut, by DeleteAccount's log-out and by the session monitor. Sandbox mode over TCP, with the
/// account runtime off: these are the paths for accounts no live connection holds (the runtime's own detection is
/// tested in Runtime/ and Inbound/).
/// </summary>
public sealed class SessionLossTests(MonitorOnlySandboxHostFixture fixture) : SandboxTests(fixture), IClassFixture<MonitorOnlySandboxHostFixture>
{
    private SessionMonitor Monitor => Host.Services.GetRequiredService<SessionMonitor>();

    [Fact]
    public async Task LogOut_SessionRevokedOnThePhone_SucceedsAsSessionRevokedAndReLoginWorks()
    {
        var account = await Host.CreateActiveAccountAsync("+99966 2 0101");
        Assert.Equal(1, World.RevokeSessions("+9996620101"));

        var afterLogOut = await Client.LogOutAsync(new LogOutRequest { AccountId = account.Id }, cancellationToken: Ct);
        var session = await Host.LoadSessionAsync(account.Id);
        var audit = await Host.AuditAsync(account.Id);
        await Client.SendCodeAsync(new SendCodeRequest { AccountId = account.Id }, cancellationToken: Ct);
        var again = await Client.VerifyCodeAsync(new VerifyCodeRequest { AccountId = account.Id, Code = "22222" }, cancellationToken: Ct);

        Assert.Equal(AccountStatus.SessionRevoked, afterLogOut.Status);
        Assert.Null(session);
        var last = audit[^1];
        Assert.Equal((OnboardingEvent.SessionRevoked, OnboardingOutcome.Observed, "SESSION_REVOKED"), (last.Event, last.Outcome, last.Reason));
        Assert.DoesNotContain(audit, r => r.Event == OnboardingEvent.LoggedOut);
        Assert.Equal(AccountStatus.Active, again.Account.Status);
    }

    [Fact]
    public async Task SessionCheck_OneSessionRevoked_OnlyThatAccountMovesToSessionRevoked()
    {
        var revoked = await Host.CreateActiveAccountAsync("+99966 2 0102");
        var untouched = await Host.CreateActiveAccountAsync("+99966 2 0103");
        World.RevokeSessions("+9996620102");

        var lost = await Monitor.CheckAllAsync(Ct);

        Assert.True(lost >= 1);
        Assert.Equal(AccountStatus.SessionRevoked, await StatusAsync(revoked.Id));
        Assert.Null(await Host.LoadSessionAsync(revoked.Id));
        Assert.Contains(await Host.AuditAsync(revoked.Id), r => r is { Event: OnboardingEvent.SessionRevoked, Outcome: OnboardingOutcome.Observed, Reason: "SESSION_REVOKED" });
        Assert.Equal(AccountStatus.Active, await StatusAsync(untouched.Id));
        Assert.NotNull(await Host.LoadSessionAsync(untouched.Id));
        Assert.Equal([OnboardingEvent.CodeRequested, OnboardingEvent.Activated], (await Host.AuditAsync(untouched.Id)).Select(r => r.Event));
    }

    [Fact]
    public async Task SessionCheck_SecondRoundWithinTheInterval_DoesNotAskTelegramAgain()
    {
        var account = await Host.CreateActiveAccountAsync("+99966 2 0109");
        await Monitor.CheckAllAsync(Ct);
        World.InjectError("users.getUsers", 401, "USER_DEACTIVATED", count: 1, user: "+99966 2 0109");

        await Monitor.CheckAllAsync(Ct);

        // The claim of the first round holds for the whole interval (here the default 5 minutes).
        Assert.Equal(AccountStatus.Active, await StatusAsync(account.Id));
    }

    [Theory]
    [InlineData("+99966 2 0104", "USER_DEACTIVATED_BAN", AccountStatus.Banned, OnboardingEvent.AccountBanned)]
    [InlineData("+99966 2 0105", "USER_DEACTIVATED", AccountStatus.Deactivated, OnboardingEvent.AccountDeactivated)]
    [InlineData("+99966 2 0106", "AUTH_KEY_UNREGISTERED", AccountStatus.SessionRevoked, OnboardingEvent.SessionRevoked)]
    public async Task SessionCheck_TelegramEndsTheAccount_StatusAndAuditSayHow(
        string phone, string error, AccountStatus expectedStatus, OnboardingEvent expectedEvent)
    {
        var account = await Host.CreateActiveAccountAsync(phone);
        World.InjectError("users.getUsers", 401, error, count: 1, user: phone);

        await Monitor.CheckAllAsync(Ct);

        Assert.Equal(expectedStatus, await StatusAsync(account.Id));
        var last = (await Host.AuditAsync(account.Id))[^1];
        Assert.Equal((expectedEvent, OnboardingOutcome.Observed, error), (last.Event, last.Outcome, last.Reason));
    }

    [Fact]
    public async Task SessionCheck_TelegramFailsInternally_AccountStaysActiveAndNothingIsAudited()
    {
        var account = await Host.CreateActiveAccountAsync("+99966 2 0107");
        World.InjectError("users.getUsers", 500, "INTERNAL_SERVER_ERROR", count: 1, user: "+99966 2 0107");

        await Monitor.CheckAllAsync(Ct);
        var afterFailure = await StatusAsync(account.Id);
        var logOut = await Client.LogOutAsync(new LogOutRequest { AccountId = account.Id }, cancellationToken: Ct);

        Assert.Equal(AccountStatus.Active, afterFailure);
        Assert.Equal(AccountStatus.LoggedOut, logOut.Status);
        Assert.Equal(
            [OnboardingEvent.CodeRequested, OnboardingEvent.Activated, OnboardingEvent.LoggedOut],
            (await Host.AuditAsync(account.Id)).Select(r => r.Event));
    }

    [Fact]
    public async Task DeleteAccount_SessionAlreadyRevoked_RecordsTheRevocationAndDeletes()
    {
        var account = await Host.CreateActiveAccountAsync("+99966 2 0108");
        World.RevokeSessions("+9996620108");

        await Client.DeleteAccountAsync(new DeleteAccountRequest { AccountId = account.Id }, cancellationToken: Ct);

        await RpcAssert.ThrowsAsync(StatusCode.NotFound, () =>
            Client.GetAccountAsync(new GetAccountRequest { AccountId = account.Id }, cancellationToken: Ct).ResponseAsync);
        var audit = await Host.AuditAsync(account.Id);
        Assert.Equal(OnboardingEvent.SessionRevoked, audit[^1].Event);
        Assert.DoesNotContain(audit, r => r.Event == OnboardingEvent.LoggedOut);
    }
}

/// <summary>A sandbox host without the account runtime: the session monitor checks every Active account itself.</summary>
public sealed class MonitorOnlySandboxHostFixture() : OnboardingHostFixture("--sandbox", "--Runtime:Enabled=false");

/// <summary>
/// A sandbox host whose session monitor runs every 200 ms. A claim spans at least twice the request timeout, so
/// each account is checked at most every 10 s here, well within the 30 s the test waits.
/// </summary>
public sealed class FrequentSessionCheckHostFixture()
    : OnboardingHostFixture("--sandbox", "--Telegram:SessionCheckInterval=00:00:00.2", "--Telegram:RequestTimeout=00:00:05");

/// <summary>The monitor's own timer: no test calls it.</summary>
public sealed class SessionMonitorScheduleTests(FrequentSessionCheckHostFixture fixture) : SandboxTests(fixture), IClassFixture<FrequentSessionCheckHostFixture>
{
    [Fact]
    public async Task RevokedOnThePhone_WithoutAnyCall_AccountBecomesSessionRevoked()
    {
        var account = await Host.CreateActiveAccountAsync("+99966 2 0201");
        World.RevokeSessions("+9996620201");

        var status = await Eventually.ReachedAsync(() => StatusAsync(account.Id), s => s != AccountStatus.Active);

        Assert.Equal(AccountStatus.SessionRevoked, status);

        // The line is written after the status and the audit entry are saved, so it can trail the status by a
        // database write (a fresh-clone CI run read the logs in between).
        var logged = await Eventually.ReachedAsync(
            () => Task.FromResult(fixture.Logs.Messages.Any(m => m.Contains("Telegram ended the session of account", StringComparison.Ordinal) && m.Contains("SESSION_REVOKED", StringComparison.Ordinal))),
            found => found);
        Assert.True(logged);
    }
}

/// <summary>The monitor outlives a failing round: a database outage must not stop it, nor the host.</summary>
public sealed class SessionMonitorFailureTests
{
    [Fact]
    public async Task Round_DatabaseUnavailable_LogsAndRunsAgainAtTheNextTick()
    {
        var ct = TestContext.Current.CancellationToken;
        var services = new ServiceCollection();
        services.AddScoped<ChannelDbContext>(_ => throw new InvalidOperationException("The database is down."));
        await using var provider = services.BuildServiceProvider();
        var settings = TelegramSettings.Load(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [TelegramSettings.SessionCheckIntervalKey] = "00:01:00" })
            .Build());
        var time = new FakeTimeProvider();
        var logs = new CapturedLogs();
        using var loggers = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        var monitor = new SessionMonitor(provider.GetRequiredService<IServiceScopeFactory>(), new Channel.Service.Tests.Runtime.NoAccountRuntime(), settings, time, loggers.CreateLogger<SessionMonitor>());

        await monitor.StartAsync(ct);
        var afterStart = await Eventually.ReachedAsync(() => Task.FromResult(FailedRounds(logs)), n => n >= 1);
        time.Advance(TimeSpan.FromMinutes(1));
        var afterTick = await Eventually.ReachedAsync(() => Task.FromResult(FailedRounds(logs)), n => n >= 2);
        var stillRunning = !monitor.ExecuteTask!.IsCompleted;
        await monitor.StopAsync(ct);

        Assert.Equal((1, 2), (afterStart, afterTick));
        Assert.True(stillRunning);
        Assert.Contains(logs.Messages, m => m.Contains("The database is down.", StringComparison.Ordinal));
    }

    private static int FailedRounds(CapturedLogs logs) =>
        logs.Messages.Count(m => m.Contains("A session-check round failed", StringComparison.Ordinal));
}

/// <summary>The sandbox keeps Telegram's side in memory: a restarted sandbox no longer knows the keys it issued.</summary>
public sealed class SandboxRestartTests
{
    [Fact]
    public async Task Restart_ActiveAccountOfTheOldSandbox_SessionRevokedAtTheStartUpCheck()
    {
        var dataDirectory = OnboardingHost.NewDataDirectory();
        try
        {
            string accountId;
            await using (var first = await OnboardingHost.StartAsync(dataDirectory, new CapturedLogs(), "--sandbox"))
            {
                accountId = (await first.CreateActiveAccountAsync("+99966 2 0301")).Id;
            }

            await using var second = await OnboardingHost.StartAsync(dataDirectory, new CapturedLogs(), "--sandbox");
            var audit = await Eventually.ReachedAsync(() => second.AuditAsync(accountId), a => a[^1].Event != OnboardingEvent.Activated);

            var last = audit[^1];
            Assert.Equal((OnboardingEvent.SessionRevoked, OnboardingOutcome.Observed, "AUTH_KEY_NOT_FOUND"), (last.Event, last.Outcome, last.Reason));
            Assert.Equal(Channel.Domain.Accounts.AccountStatus.SessionRevoked, (await second.LoadAccountAsync(accountId)).Status);
        }
        finally
        {
            OnboardingHost.DeleteDataDirectory(dataDirectory);
        }
    }
}
