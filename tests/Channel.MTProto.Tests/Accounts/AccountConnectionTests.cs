using Channel.MTProto.Accounts;
using Channel.MTProto.Client;
using Channel.MTProto.Emulator.World;
using Channel.MTProto.Peers;
using Channel.MTProto.Tests.UpdateHandling;
using Channel.MTProto.Tests.UserApi;
using Channel.MTProto.UpdateHandling;

namespace Channel.MTProto.Tests.Accounts;

/// <summary>
/// <see cref="AccountConnection"/> against the in-process emulator: restored from saved bytes (no login), status
/// transitions, the terminal stop, and persistence kept apart (session / peers / update state).
/// </summary>
public sealed class AccountConnectionTests : IAsyncLifetime
{
    private const string MePhone = "9996623001";
    private static readonly string[] SenderPhones = ["15550007001", "15550007002"];

    private UserApiHost _host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static AccountConnectionOptions Options => new()
    {
        Updates = new UpdatesEngineOptions { GapTimeout = TimeSpan.FromMilliseconds(200), HandlerRetryDelay = TimeSpan.FromMilliseconds(20), HandlerRetryMaxDelay = TimeSpan.FromMilliseconds(100) },
        BackgroundRetry = new RpcRetryPolicy { BaseDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(200) },
    };

    public async ValueTask InitializeAsync()
    {
        _host = await UserApiHost.StartAsync();
        for (var i = 0; i < SenderPhones.Length; i++)
        {
            _host.World.CreateUser(new NewUser(SenderPhones[i], $"Sender {i}"));
        }
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task Start_FromSavedBytes_ConnectsReceivesAndReconnectsAfterDrop()
    {
        var (session, peers) = await LoginAndSaveAsync();
        await using var connection = Restore(session, peers);
        var statuses = new List<AccountConnectionState>();
        connection.StatusChanged += (_, status) => { lock (statuses) { statuses.Add(status.State); } };
        connection.StatusChanged += (_, _) => throw new InvalidOperationException("a careless host handler (test)");
        var inbox = new BatchRecorder();

        Assert.Equal(AccountConnectionState.Connecting, connection.Status.State);
        await connection.StartAsync(null, inbox, Ct);
        Assert.Equal(AccountConnectionState.Connected, connection.Status.State);
        Assert.NotNull(connection.UserId);

        Send(5, "before");
        await inbox.WaitForMessagesAsync(5);
        Assert.NotNull(connection.Status.LastUpdateAt);

        _host.Emulator.Faults.DropConnections();
        await BatchRecorder.WaitUntilAsync(() => { lock (statuses) { return statuses.Contains(AccountConnectionState.Reconnecting); } });
        await BatchRecorder.WaitUntilAsync(() => connection.Status.State == AccountConnectionState.Connected);
        Assert.NotNull(connection.Status.LastError);

        Send(5, "after");
        await inbox.WaitForMessagesAsync(10);
        Assert.Equal([.. Enumerable.Range(0, 5).Select(i => $"before {i}"), .. Enumerable.Range(0, 5).Select(i => $"after {i}")], inbox.Texts);
        lock (statuses)
        {
            Assert.Equal(AccountConnectionState.Connected, statuses[0]);
            Assert.Equal(AccountConnectionState.Connected, statuses[^1]);
        }

        await connection.CheckSessionAsync(Ct);
        Assert.False(connection.Stopped.IsCompleted);
    }

    [Fact]
    public async Task Persistence_SessionWithoutStateOrPeers_PeersApart_RestartCatchesUpFromHostState()
    {
        var (session, peers) = await LoginAndSaveAsync();
        var inbox = new BatchRecorder();
        byte[] savedSession, savedPeers;
        await using (var connection = Restore(session, peers))
        {
            await connection.StartAsync(null, inbox, Ct);
            Send(4, "online");
            await inbox.WaitForMessagesAsync(4);
            await BatchRecorder.WaitUntilAsync(() => inbox.SavedState?.Pts == _host.World.GetUpdateState(MePhone).Pts);
            savedSession = connection.SerializeSession();
            savedPeers = connection.SerializePeers();
        }

        // The session blob carries neither the update state nor the peer cache; the peers row has the senders.
        var blob = MTProtoSessionState.Deserialize(savedSession);
        Assert.Null(blob.UpdateState);
        Assert.Null(blob.PeerCache);
        Assert.NotNull(blob.UserId);
        var cache = new PeerCache();
        cache.Load(savedPeers);
        Assert.True(cache.TryResolvePhone(SenderPhones[0], out _));

        Send(6, "offline");
        var hostState = UpdateState.Deserialize(inbox.SavedState!.Serialize());
        await using var restarted = Restore(savedSession, savedPeers);
        await restarted.StartAsync(hostState, inbox, Ct);
        Send(2, "back");
        await inbox.WaitForMessagesAsync(12);

        Assert.Equal(
            [.. Enumerable.Range(0, 4).Select(i => $"online {i}"), .. Enumerable.Range(0, 6).Select(i => $"offline {i}"), .. Enumerable.Range(0, 2).Select(i => $"back {i}")],
            inbox.Texts);
        Assert.Null(MTProtoSessionState.Deserialize(restarted.SerializeSession()).UpdateState);
    }

    [Fact]
    public async Task Revoked_StoppedCompletesWithTheTerminalError()
    {
        var (session, peers) = await LoginAndSaveAsync();
        await using var connection = Restore(session, peers);
        await connection.StartAsync(null, new BatchRecorder(), Ct);

        _host.World.RevokeSessions(MePhone);
        var error = await connection.Stopped.WaitAsync(TimeSpan.FromSeconds(60), Ct);

        Assert.Equal("SESSION_REVOKED", error);
        Assert.Equal(AccountConnectionState.Stopped, connection.Status.State);
        Assert.Equal("SESSION_REVOKED", connection.Status.LastError);
        await Assert.ThrowsAnyAsync<Exception>(() => connection.CheckSessionAsync(Ct));
    }

    [Fact]
    public async Task Dispose_StoppedCompletesWithNull()
    {
        var (session, peers) = await LoginAndSaveAsync();
        var connection = Restore(session, peers);
        await connection.StartAsync(null, new BatchRecorder(), Ct);

        await connection.DisposeAsync();

        Assert.Null(await connection.Stopped.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        Assert.Equal(AccountConnectionState.Stopped, connection.Status.State);
    }

    [Fact]
    public void RestoreSession_HostileBytes_FormatException()
    {
        var session = new MTProtoSessionState(2) { UserId = 5 }.Serialize();

        Assert.Throws<FormatException>(() => AccountConnection.RestoreSession(session.AsSpan(0, 3), []));
        Assert.Throws<FormatException>(() => AccountConnection.RestoreSession(session, [1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0x7F]));
        Assert.Null(AccountConnection.RestoreSession(session, []).PeerCache);
    }

    [Fact]
    public void Create_LegacyBlobWithUpdateState_HandsItOverAndClearsIt()
    {
        var legacy = new UpdateState(10, 0, 1, 2) { MaxMessageId = 7 };
        var session = new MTProtoSessionState(_host.Emulator.MainDcId) { UserId = 5, UpdateState = legacy.Serialize() };

        var connection = AccountConnection.Create(_host.NewClient(session), Options);

        Assert.Equal(legacy, connection.LegacyUpdateState);
        Assert.Null(MTProtoSessionState.Deserialize(connection.SerializeSession()).UpdateState);
    }

    /// <summary>Logs in once (as onboarding would), saves the session and peer bytes, and closes that client.</summary>
    private async Task<(byte[] Session, byte[] Peers)> LoginAndSaveAsync()
    {
        var (client, _) = await _host.LoginAsync(MePhone);
        foreach (var phone in SenderPhones)
        {
            await client.ResolvePhoneAsync(phone, Ct);
        }

        var session = client.Session.Serialize();
        var peers = client.Peers.Serialize();
        await client.DisposeAsync();
        return (session, peers);
    }

    private AccountConnection Restore(byte[] session, byte[] peers) =>
        AccountConnection.Create(_host.NewClient(AccountConnection.RestoreSession(session, peers)), Options);

    private void Send(int count, string prefix)
    {
        for (var i = 0; i < count; i++)
        {
            _host.World.SendMessage(SenderPhones[i % SenderPhones.Length], MePhone, $"{prefix} {i}");
        }
    }
}
