extern alias service;

using Channel.Grpc.V1;
using Channel.MTProto.Messaging;
using Channel.MTProto.Peers;
using Channel.MTProto.UpdateHandling;
using Channel.Persistence;
using Channel.Service.Tests.Onboarding;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using IAccountConnectionFactory = service::Channel.Service.Runtime.IAccountConnectionFactory;

namespace Channel.Service.Tests.Runtime;

/// <summary>
/// The account runtime against connections the test drives (<see cref="FakeAccountConnection"/>): logins run on the
/// sandbox emulator, the live connections are fakes, the database and the outbox are real (SQLite).
/// </summary>
public sealed class AccountRuntimeTests : IAsyncLifetime
{
    private readonly string _dataDirectory = OnboardingHost.NewDataDirectory();
    private readonly CapturedLogs _logs = new();
    private FakeConnectionFactory _connections = new();
    private OnboardingHost? _host;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private OnboardingHost Host => _host!;

    public async ValueTask InitializeAsync() => _host = await StartHostAsync();

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        OnboardingHost.DeleteDataDirectory(_dataDirectory);
    }

    [Fact]
    public async Task Activation_ConnectsTheAccountFromItsStoredSession()
    {
        var account = await Host.CreateActiveAccountAsync("+99966 2 3001");

        var connection = await FirstConnectionAsync(account.Id);
        await connection.Started.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.Equal(await Host.LoadSessionAsync(account.Id), connection.Session);
        Assert.Null(connection.StartedFrom);
        var shown = await Eventually.ReachedAsync(
            () => GetAsync(account.Id), a => a.Connection.State == ConnectionState.Connected);
        Assert.Equal(ConnectionState.Connected, shown.Connection.State);
    }

    [Fact]
    public async Task Batch_EventsAndStateCommittedTogether_AndAReplayAddsNothing()
    {
        var account = await Host.CreateActiveAccountAsync("+99966 2 3002");
        var connection = await FirstConnectionAsync(account.Id);
        await connection.Started.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        var batch = Batch(new UpdateState(10, 0, 1_700_000_000, 3), Message(7001, 1), Message(7001, 2));

        await connection.HandAsync(batch);
        await connection.HandAsync(batch);

        var rows = await OutboxAsync(account.Id);
        Assert.Equal(2, rows.Count(r => r.MessageType.EndsWith("InboundMessageReceived", StringComparison.Ordinal)));
        var state = await StateAsync(account.Id);
        Assert.Equal(10, state.Pts);
        Assert.Equal(3, state.Seq);
        Assert.Equal(2, state.LastSequence);
    }

    [Fact]
    public async Task TerminalError_RecordsTheRevocationOnce_AndDoesNotReconnect()
    {
        var account = await Host.CreateActiveAccountAsync("+99966 2 3003");
        var connection = await FirstConnectionAsync(account.Id);
        await connection.Started.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        connection.End("SESSION_REVOKED");

        var revoked = await Eventually.ReachedAsync(() => GetAsync(account.Id), a => a.Status == AccountStatus.SessionRevoked);
        Assert.Equal(AccountStatus.SessionRevoked, revoked.Status);
        await Eventually.ReachedAsync(() => Task.FromResult(Host.Services.GetRequiredService<service::Channel.Service.Runtime.AccountRuntime>().Holds(Id(account.Id))), held => !held);
        Assert.Single(_connections.CreatedFor(account.Id));

        // The status is saved first, then the dead session is deleted.
        Assert.Null(await Eventually.ReachedAsync(() => Host.LoadSessionAsync(account.Id), session => session is null));
        var rows = await OutboxAsync(account.Id);
        Assert.Contains(rows, r => r.MessageType.EndsWith("AccountStatusChanged", StringComparison.Ordinal) && r.Body.Contains("SessionRevoked", StringComparison.Ordinal) && r.Body.Contains("SESSION_REVOKED", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TerminalError_AfterAnotherReplicaTookTheLease_RecordsNothing()
    {
        var account = await Host.CreateActiveAccountAsync("+99966 2 3006");
        var connection = await FirstConnectionAsync(account.Id);
        await connection.Started.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        var session = await Host.LoadSessionAsync(account.Id);

        // Another replica takes the account over (as after a pause of this one), and Telegram tells the old
        // connection its key is in use elsewhere: that is the new owner, not a revocation.
        await using (var scope = Host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
            var id = Id(account.Id);
            Assert.Equal(1, await db.AccountLeases.Where(l => l.AccountId == id).ExecuteUpdateAsync(
                l => l.SetProperty(x => x.Owner, "another-replica").SetProperty(x => x.Token, x => x.Token + 1).SetProperty(x => x.ExpiresAt, DateTimeOffset.UtcNow.AddHours(1)), Ct));
        }

        connection.End("AUTH_KEY_DUPLICATED");

        await Eventually.ReachedAsync(() => Task.FromResult(Host.Services.GetRequiredService<service::Channel.Service.Runtime.AccountRuntime>().Holds(Id(account.Id))), held => !held);
        Assert.Equal(AccountStatus.Active, (await GetAsync(account.Id)).Status);
        Assert.Equal(session, await Host.LoadSessionAsync(account.Id));
        Assert.DoesNotContain(await OutboxAsync(account.Id), r => r.Body.Contains("AUTH_KEY_DUPLICATED", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LogOut_StopsTheLiveConnectionBeforeTelegramIsCalled()
    {
        var account = await Host.CreateActiveAccountAsync("+99966 2 3004");
        var connection = await FirstConnectionAsync(account.Id);
        await connection.Started.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        var reply = await Host.Client.LogOutAsync(new LogOutRequest { AccountId = account.Id }, cancellationToken: Ct);

        Assert.Equal(AccountStatus.LoggedOut, reply.Status);
        Assert.True(connection.Disposed);
        Assert.Single(_connections.CreatedFor(account.Id));
    }

    [Fact]
    public async Task Restart_ReconnectsFromTheStoredUpdateState()
    {
        var account = await Host.CreateActiveAccountAsync("+99966 2 3005");
        var connection = await FirstConnectionAsync(account.Id);
        await connection.Started.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        var state = new UpdateState(21, 0, 1_700_000_100, 5);
        await connection.HandAsync(Batch(state, Message(7005, 1)));

        await Host.DisposeAsync();
        _connections = new FakeConnectionFactory();
        _host = await StartHostAsync();

        var again = await FirstConnectionAsync(account.Id);
        await again.Started.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(state, again.StartedFrom);
    }

    private Task<OnboardingHost> StartHostAsync()
    {
        var connections = _connections;
        return OnboardingHost.StartAsync(
            _dataDirectory, _logs, services => services.AddSingleton<IAccountConnectionFactory>(connections),
            "--sandbox", "--Telegram:SessionCheckInterval=0", "--Runtime:ReconcileInterval=00:00:01");
    }

    private async Task<FakeAccountConnection> FirstConnectionAsync(string accountId)
    {
        var created = await Eventually.ReachedAsync(() => Task.FromResult(_connections.CreatedFor(accountId)), c => c.Count > 0);
        Assert.NotEmpty(created);
        return created[0];
    }

    private async Task<TelegramAccount> GetAsync(string accountId) =>
        await Host.Client.GetAccountAsync(new GetAccountRequest { AccountId = accountId }, cancellationToken: Ct);

    private static Channel.Domain.Accounts.TelegramAccountId Id(string accountId) => new(Guid.Parse(accountId));

    private async Task<List<Channel.Persistence.Outbox.OutboxMessage>> OutboxAsync(string accountId)
    {
        await using var scope = Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
        var id = Guid.Parse(accountId);
        return await db.OutboxMessages.AsNoTracking().Where(m => m.AccountId == id).OrderBy(m => m.Id).ToListAsync(Ct);
    }

    private async Task<Channel.Persistence.Updates.AccountUpdateState> StateAsync(string accountId)
    {
        await using var scope = Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
        var id = Id(accountId);
        return await db.AccountUpdateStates.AsNoTracking().SingleAsync(s => s.AccountId == id, Ct);
    }

    private static UpdateBatch Batch(UpdateState state, params InboundEvent[] events) =>
        new(1, UpdateBatchSource.Live, events, [], [], [], [], state);

    private static NewMessage Message(long fromUserId, int messageId) => new(new InboundMessage(
        new MessageKey(PeerId.User(fromUserId), messageId), ChatKind.Private, PeerId.User(fromUserId), false,
        DateTimeOffset.FromUnixTimeSeconds(1_700_000_000 + messageId), $"hello {messageId}", [], null, null, null, "Customer", null, "Customer"));
}
