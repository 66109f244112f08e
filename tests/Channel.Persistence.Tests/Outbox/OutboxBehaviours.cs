using System.Text.Json;
using Channel.Contracts;
using Channel.Domain.Accounts;
using Channel.Persistence.Configuration;
using Channel.Persistence.Outbox;
using Channel.Persistence.Updates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Channel.Persistence.Tests.Outbox;

/// <summary>What the outbox must do on every provider, through the real persistence composition.</summary>
public abstract class OutboxBehaviours : IAsyncLifetime
{
    private readonly TempDirectory _root = new();
    private readonly RecordingStatusListener _listener = new();
    private ServiceProvider _services = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The provider's settings (the data directory is added here).</summary>
    private protected abstract Task<Dictionary<string, string?>> ProviderSettingsAsync(CancellationToken cancellationToken);

    public async ValueTask InitializeAsync()
    {
        var settings = await ProviderSettingsAsync(Ct);
        settings[PersistenceSettings.DataDirectoryKey] = "data";
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings)
            .Build();
        _services = new ServiceCollection()
            .AddLogging()
            .AddChannelPersistence(configuration, _root.Path)
            .AddSingleton<IAccountStatusListener>(_listener)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        foreach (var hosted in _services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(Ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        _root.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task InTransaction_OutboxRowsAndUpdateState_CommitTogetherAndSignal()
    {
        var account = await SaveAccountAsync();
        var signal = _services.GetRequiredService<OutboxSignal>();
        var eventId = Guid.CreateVersion7();

        await using (var scope = _services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
            var writer = scope.ServiceProvider.GetRequiredService<OutboxWriter>();
            await db.InTransactionAsync(
                async ct =>
                {
                    db.AccountUpdateStates.Add(new AccountUpdateState
                    {
                        AccountId = account.Id, State = [1, 2, 3], Pts = 10, LastSequence = 1, UpdatedAt = TestData.Time.GetUtcNow(),
                    });
                    writer.Add(db, eventId, account.Id, Inbound(eventId, account, 1));
                    await db.SaveChangesAsync(ct);
                },
                Ct);
        }

        Assert.True(await signal.WaitAsync(TimeSpan.Zero, Ct));
        await using var check = _services.CreateAsyncScope();
        var read = check.ServiceProvider.GetRequiredService<ChannelDbContext>();
        var row = await read.OutboxMessages.Where(m => m.MessageType == nameof(InboundMessageReceived)).SingleAsync(Ct);
        Assert.Equal(eventId, row.MessageId);
        Assert.Equal(account.Id.Value, row.AccountId);
        Assert.Null(row.SentAt);
        using var body = JsonDocument.Parse(row.Body);
        Assert.Equal(eventId, body.RootElement.GetProperty("eventId").GetGuid());
        Assert.Equal(1, body.RootElement.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("user", body.RootElement.GetProperty("chat").GetProperty("kind").GetString());
        Assert.Equal(1, (await read.AccountUpdateStates.SingleAsync(s => s.AccountId == account.Id, Ct)).LastSequence);
    }

    [Fact]
    public async Task InsertAsync_ManyRows_StoredInListOrderAsSaveChangesWouldStoreThemAndSignalled()
    {
        var account = await SaveAccountAsync();
        var signal = _services.GetRequiredService<OutboxSignal>();
        var writer = _services.GetRequiredService<OutboxWriter>();
        var ids = Enumerable.Range(0, 250).Select(_ => Guid.NewGuid()).ToList();
        var rows = ids.Select((id, i) => writer.Create(id, account.Id, Inbound(id, account, i + 1))).ToList();

        await using (var scope = _services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
            await db.InTransactionAsync(ct => writer.InsertAsync(db, rows, ct), Ct);
        }

        Assert.True(await signal.WaitAsync(TimeSpan.Zero, Ct));
        await using var check = _services.CreateAsyncScope();
        var read = check.ServiceProvider.GetRequiredService<ChannelDbContext>();
        var stored = await read.OutboxMessages
            .Where(m => m.AccountId == account.Id.Value && m.MessageType == nameof(InboundMessageReceived)).OrderBy(m => m.Id).ToListAsync(Ct);

        // Id order is the dispatch order; the rows must be found by the queries the runtime runs (same conversions).
        Assert.Equal(ids, stored.Select(m => m.MessageId));
        Assert.Equal(ids.Count, await read.OutboxMessages.CountAsync(m => ids.Contains(m.MessageId), Ct));
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(rows[i].Body, stored[i].Body);
            Assert.Equal(nameof(InboundMessageReceived), stored[i].MessageType);
            Assert.Null(stored[i].SentAt);
            Assert.Equal(0, stored[i].Attempts);
            Assert.InRange(stored[i].CreatedAt, rows[i].CreatedAt.AddMilliseconds(-1), rows[i].CreatedAt.AddMilliseconds(1));
        }

        var unsent = await check.ServiceProvider.GetRequiredService<OutboxStore>().GetUnsentAsync(300, DateTimeOffset.UtcNow.AddMinutes(1), Ct);
        Assert.Equal(ids, unsent.Where(m => m.MessageType == nameof(InboundMessageReceived)).Select(m => m.MessageId));
    }

    [Fact]
    public async Task InTransaction_WorkThrows_LeavesNothing()
    {
        var account = await SaveAccountAsync();
        var eventId = Guid.CreateVersion7();

        await using (var scope = _services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
            var writer = scope.ServiceProvider.GetRequiredService<OutboxWriter>();
            await Assert.ThrowsAsync<InvalidOperationException>(() => db.InTransactionAsync(
                async ct =>
                {
                    db.AccountUpdateStates.Add(new AccountUpdateState { AccountId = account.Id, State = [1], UpdatedAt = TestData.Time.GetUtcNow() });
                    writer.Add(db, eventId, account.Id, Inbound(eventId, account, 1));
                    await db.SaveChangesAsync(ct);
                    throw new InvalidOperationException("boom");
                },
                Ct));
        }

        await using var check = _services.CreateAsyncScope();
        var read = check.ServiceProvider.GetRequiredService<ChannelDbContext>();
        Assert.False(await read.OutboxMessages.AnyAsync(m => m.MessageId == eventId, Ct));
        Assert.False(await read.AccountUpdateStates.AnyAsync(s => s.AccountId == account.Id, Ct));
    }

    [Fact]
    public async Task SameMessageIdTwice_IsUniqueConstraintViolation()
    {
        var account = await SaveAccountAsync();
        var eventId = Guid.CreateVersion7();
        await AddInboundAsync(account, eventId);

        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
        scope.ServiceProvider.GetRequiredService<OutboxWriter>().Add(db, eventId, account.Id, Inbound(eventId, account, 1));
        var failure = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(Ct));
        Assert.True(db.IsUniqueConstraintViolation(failure));
    }

    [Fact]
    public async Task StatusChange_BecomesAccountStatusChangedRowInSameSave_ListenersToldAfterCommit()
    {
        var account = await SaveAccountAsync();
        _listener.Calls.Clear();

        await using (var scope = _services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
            var loaded = await db.Accounts.SingleAsync(a => a.Id == account.Id, Ct);
            loaded.RecordCodeSent(TestData.Time);
            loaded.AcceptCode(new TelegramIdentity(99, "u", "F", "L"), 2, TestData.Time);
            loaded.RevokeSession(TestData.Time, "SESSION_REVOKED");
            await db.InTransactionAsync(
                async ct =>
                {
                    await db.SaveChangesAsync(ct);
                    Assert.Empty(_listener.Calls);
                },
                Ct);
            Assert.Empty(loaded.DomainEvents);
        }

        Assert.Equal(
            [(account.Id, AccountStatus.CodeSent), (account.Id, AccountStatus.Active), (account.Id, AccountStatus.SessionRevoked)],
            _listener.Calls.Select(c => (c.AccountId, c.Status)).ToArray());
        var events = await StatusEventsAsync(account.Id);
        Assert.Equal(["Pending", "CodeSent", "Active", "SessionRevoked"], events.Select(e => e.Status));
        Assert.Equal([null, "Pending", "CodeSent", "Active"], events.Select(e => e.PreviousStatus));
        Assert.Equal("SESSION_REVOKED", events[^1].Reason);
        Assert.All(events, e => Assert.Equal(account.HelpdeskAccountId.Value, e.HelpdeskAccountId));
    }

    [Fact]
    public async Task StatusChange_SaveFails_KeepsEventsAndWritesNoRow()
    {
        var account = await SaveAccountAsync();
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
        var loaded = await db.Accounts.SingleAsync(a => a.Id == account.Id, Ct);
        loaded.RecordCodeSent(TestData.Time);

        // Someone else changed the row: the concurrency stamp makes this save fail.
        await using (var other = _services.CreateAsyncScope())
        {
            var otherDb = other.ServiceProvider.GetRequiredService<ChannelDbContext>();
            var copy = await otherDb.Accounts.SingleAsync(a => a.Id == account.Id, Ct);
            copy.RecordCodeSent(TestData.Time);
            await otherDb.SaveChangesAsync(Ct);
        }

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => db.SaveChangesAsync(Ct));
        Assert.Single(loaded.DomainEvents);
        Assert.Empty(db.ChangeTracker.Entries<OutboxMessage>());
        Assert.Equal(["Pending", "CodeSent"], (await StatusEventsAsync(account.Id)).Select(e => e.Status));
    }

    [Fact]
    public async Task Deletion_WritesDeletedEventAndTellsListeners()
    {
        var account = await SaveAccountAsync();
        await using (var scope = _services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
            var loaded = await db.Accounts.SingleAsync(a => a.Id == account.Id, Ct);
            loaded.MarkDeleted(TestData.Time);
            db.Accounts.Remove(loaded);
            await db.SaveChangesAsync(Ct);
        }

        Assert.Contains((account.Id, (AccountStatus?)null), _listener.Calls);
        Assert.Equal(AccountStatusChanged.DeletedStatus, (await StatusEventsAsync(account.Id))[^1].Status);
    }

    [Fact]
    public async Task Store_UnsentInIdOrder_MarkSent_Prune()
    {
        var account = await SaveAccountAsync();
        var ids = Enumerable.Range(0, 5).Select(_ => Guid.CreateVersion7()).ToList();
        foreach (var id in ids)
        {
            await AddInboundAsync(account, id);
        }

        await using var scope = _services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<OutboxStore>();
        // Whole microseconds: PostgreSQL keeps no finer instants, and the pruning bound below is 1 µs later.
        var now = DateTimeOffset.UnixEpoch.AddMicroseconds(DateTimeOffset.UtcNow.AddYears(1).ToUnixTimeMilliseconds() * 1000L);
        var unsent = (await store.GetUnsentAsync(100, now, Ct)).Where(m => m.MessageType == nameof(InboundMessageReceived)).ToList();
        Assert.Equal(ids, unsent.Select(m => m.MessageId));
        Assert.True(unsent.Select(m => m.Id).SequenceEqual(unsent.Select(m => m.Id).Order()));

        var all = await store.GetUnsentAsync(100, now, Ct);
        await store.MarkSentAsync(all.Select(m => m.Id).ToList(), now, Ct);
        Assert.Equal(0, (await store.GetBacklogAsync(Ct)).Count);
        Assert.Equal(0, await store.PruneAsync(now, Ct));
        Assert.Equal(all.Count, await store.PruneAsync(now.AddMicroseconds(1), Ct));
    }

    [Fact]
    public async Task Store_Unsent_SkipsTheRowsOfAccountsStillPublishing()
    {
        var busy = await SaveAccountAsync();
        var free = await SaveAccountAsync();
        var freeIds = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            await AddInboundAsync(busy, Guid.CreateVersion7());
            freeIds.Add(Guid.CreateVersion7());
            await AddInboundAsync(free, freeIds[^1]);
        }

        var now = DateTimeOffset.UtcNow.AddYears(1);
        var withoutAccount = Guid.CreateVersion7();
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
        db.OutboxMessages.Add(new OutboxMessage
        {
            MessageId = withoutAccount, MessageType = nameof(AccountStatusChanged), Body = "{}", CreatedAt = DateTimeOffset.UtcNow, AvailableAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync(Ct);
        var store = scope.ServiceProvider.GetRequiredService<OutboxStore>();

        var rows = await store.GetUnsentAsync(100, now, [busy.Id.Value], skipRowsWithoutAccount: false, Ct);
        Assert.DoesNotContain(rows, r => r.AccountId == busy.Id.Value);
        Assert.Equal(freeIds, rows.Where(r => r.MessageType == nameof(InboundMessageReceived)).Select(r => r.MessageId));
        Assert.Contains(rows, r => r.MessageId == withoutAccount);
        Assert.True(rows.Select(r => r.Id).SequenceEqual(rows.Select(r => r.Id).Order()));

        var accountsOnly = await store.GetUnsentAsync(100, now, [busy.Id.Value], skipRowsWithoutAccount: true, Ct);
        Assert.Equal(rows.Where(r => r.AccountId is not null).Select(r => r.Id), accountsOnly.Select(r => r.Id));

        var everything = await store.GetUnsentAsync(100, now, Ct);
        Assert.Contains(everything, r => r.AccountId == busy.Id.Value);
        Assert.Equal(everything.Count, (await store.GetUnsentAsync(100, now, [], skipRowsWithoutAccount: false, Ct)).Count);
    }

    private static InboundMessageReceived Inbound(Guid eventId, TelegramAccount account, long sequence) => new()
    {
        EventId = eventId,
        AccountId = account.Id.Value,
        HelpdeskAccountId = account.HelpdeskAccountId.Value,
        Sequence = sequence,
        Chat = new ChatRef { Kind = ChatKinds.User, Id = 42 },
        Sender = new SenderRef { UserId = 42, FirstName = "Ann" },
        TelegramMessageId = 7,
        Text = "hello",
        Entities = [new MessageEntity { Type = "bold", Offset = 0, Length = 5 }],
        SentAt = TestData.Time.GetUtcNow(),
        ReceivedAt = TestData.Time.GetUtcNow(),
    };

    private async Task<TelegramAccount> SaveAccountAsync()
    {
        var account = TestData.NewAccount(tenant: Random.Shared.NextInt64(1, long.MaxValue));
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
        db.Accounts.Add(account);
        await db.SaveChangesAsync(Ct);
        return account;
    }

    private async Task AddInboundAsync(TelegramAccount account, Guid eventId)
    {
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
        scope.ServiceProvider.GetRequiredService<OutboxWriter>().Add(db, eventId, account.Id, Inbound(eventId, account, 1));
        await db.SaveChangesAsync(Ct);
    }

    private async Task<List<AccountStatusChanged>> StatusEventsAsync(TelegramAccountId accountId)
    {
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
        var bodies = await db.OutboxMessages
            .Where(m => m.AccountId == accountId.Value && m.MessageType == nameof(AccountStatusChanged))
            .OrderBy(m => m.Id).Select(m => m.Body).ToListAsync(Ct);
        return [.. bodies.Select(b => JsonSerializer.Deserialize<AccountStatusChanged>(b, OutboxMessageTypes.JsonOptions)!)];
    }
}
