using System.Security.Cryptography;
using Channel.Domain.Accounts;
using Channel.Persistence.Secrets;
using Channel.Persistence.Sessions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Channel.Persistence.Tests;

/// <summary>
/// What every provider must do. SQLite runs it on a real file; SQL Server runs it in a container where a Docker
/// engine exists and reports it skipped elsewhere.
/// </summary>
public abstract class AccountPersistenceBehaviours
{
    private protected abstract Task<PersistenceHarness> StartAsync(CancellationToken cancellationToken);

    /// <summary>An instant as the provider stores it (PostgreSQL keeps microseconds; the others every tick).</summary>
    private protected virtual DateTimeOffset AsStored(DateTimeOffset instant) => instant;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Migrate_EmptyDatabase_AppliesEveryMigration()
    {
        await using var harness = await StartAsync(Ct);
        await using var scope = harness.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync(Ct));
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync(Ct));
        Assert.Equal(0, await db.Accounts.CountAsync(Ct));
    }

    [Fact]
    public async Task SaveAndLoad_ActiveAccount_RoundTripsEveryField()
    {
        await using var harness = await StartAsync(Ct);
        var account = TestData.NewAccount();
        account.RecordCodeSent(TestData.Time);
        account.AcceptCode(new TelegramIdentity(99, "sales_bot", "Sam", "Ples"), 4, TestData.Time);
        await SaveNewAsync(harness, account);

        await using var scope = harness.CreateScope();
        var loaded = await scope.ServiceProvider.GetRequiredService<ChannelDbContext>().Accounts
            .SingleAsync(a => a.Id == account.Id, Ct);

        Assert.Equal(account.HelpdeskAccountId, loaded.HelpdeskAccountId);
        Assert.Equal(account.PhoneNumber, loaded.PhoneNumber);
        Assert.Equal(account.ApiId, loaded.ApiId);
        Assert.Equal("Sales", loaded.DisplayName);
        Assert.Equal(AccountStatus.Active, loaded.Status);
        Assert.Equal(new TelegramIdentity(99, "sales_bot", "Sam", "Ples"), loaded.Identity);
        Assert.Equal(4, loaded.MainDcId);
        Assert.Equal(AsStored(account.CreatedAt), loaded.CreatedAt);
        Assert.Equal(AsStored(account.UpdatedAt), loaded.UpdatedAt);
        Assert.Empty(loaded.DomainEvents);
    }

    [Fact]
    public async Task SecretStore_ApiHashAndSession_RoundTripThroughEncryption()
    {
        await using var harness = await StartAsync(Ct);
        var account = TestData.NewAccount();
        await SaveNewAsync(harness, account);
        var session = TestData.SessionBlob();

        await using (var scope = harness.CreateScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<AccountSecretStore>();
            Assert.Null(await store.LoadSessionAsync(account.Id, Ct));
            await store.SaveSessionAsync(account.Id, session, Ct);
        }

        await using (var scope = harness.CreateScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<AccountSecretStore>();
            Assert.Equal(TestData.ApiHash, await store.GetApiHashAsync(account.Id, Ct));
            Assert.Equal(session, await store.LoadSessionAsync(account.Id, Ct));

            await store.DeleteSessionAsync(account.Id, Ct);

            Assert.Null(await store.LoadSessionAsync(account.Id, Ct));
            Assert.Equal(TestData.ApiHash, await store.GetApiHashAsync(account.Id, Ct));
        }
    }

    [Fact]
    public async Task SecretStore_StoredBytes_AreCiphertextNotPlaintext()
    {
        await using var harness = await StartAsync(Ct);
        var account = TestData.NewAccount();
        await SaveNewAsync(harness, account);
        var session = TestData.SessionBlob(256);
        await using var scope = harness.CreateScope();
        await scope.ServiceProvider.GetRequiredService<AccountSecretStore>().SaveSessionAsync(account.Id, session, Ct);

        var row = await scope.ServiceProvider.GetRequiredService<ChannelDbContext>().AccountSecrets.AsNoTracking()
            .SingleAsync(s => s.AccountId == account.Id, Ct);

        Assert.False(row.ApiHash.AsSpan().IndexOf("5f3e0c1d9a8b7c6d"u8) >= 0);
        Assert.NotNull(row.Session);
        Assert.True(row.Session.Length > session.Length);
        Assert.False(row.Session.AsSpan().IndexOf(session.AsSpan(0, 32)) >= 0);
    }

    [Fact]
    public async Task SecretStore_CiphertextCopiedToAnotherAccount_DoesNotDecrypt()
    {
        await using var harness = await StartAsync(Ct);
        var victim = TestData.NewAccount(phone: "+4915112345601");
        var thief = TestData.NewAccount(phone: "+4915112345602");
        await SaveNewAsync(harness, victim);
        await SaveNewAsync(harness, thief);
        await using var scope = harness.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<AccountSecretStore>();
        await store.SaveSessionAsync(victim.Id, TestData.SessionBlob(), Ct);
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
        var stolen = await db.AccountSecrets.AsNoTracking().SingleAsync(s => s.AccountId == victim.Id, Ct);

        await db.AccountSecrets.Where(s => s.AccountId == thief.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Session, stolen.Session).SetProperty(x => x.ApiHash, stolen.ApiHash), Ct);

        await Assert.ThrowsAnyAsync<CryptographicException>(() => store.LoadSessionAsync(thief.Id, Ct));
        await Assert.ThrowsAnyAsync<CryptographicException>(() => store.GetApiHashAsync(thief.Id, Ct));
    }

    [Fact]
    public async Task SecretStore_UnknownAccount_ThrowsAccountNotFound()
    {
        await using var harness = await StartAsync(Ct);
        await using var scope = harness.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<AccountSecretStore>();
        var unknown = new TelegramAccountId(Guid.NewGuid());

        await Assert.ThrowsAsync<AccountNotFoundException>(() => store.SaveSessionAsync(unknown, new byte[] { 1 }, Ct));
        await Assert.ThrowsAsync<AccountNotFoundException>(() => store.LoadSessionAsync(unknown, Ct));
        await Assert.ThrowsAsync<AccountNotFoundException>(() => store.GetApiHashAsync(unknown, Ct));
        await Assert.ThrowsAsync<AccountNotFoundException>(() => store.DeleteSessionAsync(unknown, Ct));
    }

    [Fact]
    public async Task SaveChanges_ConcurrentUpdatesOfOneAccount_SecondThrowsConcurrencyException()
    {
        await using var harness = await StartAsync(Ct);
        var account = TestData.NewAccount();
        await SaveNewAsync(harness, account);
        await using var first = harness.CreateScope();
        await using var second = harness.CreateScope();
        var db1 = first.ServiceProvider.GetRequiredService<ChannelDbContext>();
        var db2 = second.ServiceProvider.GetRequiredService<ChannelDbContext>();
        var copy1 = await db1.Accounts.SingleAsync(a => a.Id == account.Id, Ct);
        var copy2 = await db2.Accounts.SingleAsync(a => a.Id == account.Id, Ct);

        copy1.RecordCodeSent(TestData.Time);
        await db1.SaveChangesAsync(Ct);
        copy2.MarkBanned(TestData.Time);

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => db2.SaveChangesAsync(Ct));
        await using var check = harness.CreateScope();
        var stored = await check.ServiceProvider.GetRequiredService<ChannelDbContext>().Accounts.SingleAsync(a => a.Id == account.Id, Ct);
        Assert.Equal(AccountStatus.CodeSent, stored.Status);
    }

    [Fact]
    public async Task SaveChanges_SamePhoneTwiceForOneTenant_IsUniqueConstraintViolation()
    {
        await using var harness = await StartAsync(Ct);
        await SaveNewAsync(harness, TestData.NewAccount(tenant: 1, phone: "+4915112345678"));
        await SaveNewAsync(harness, TestData.NewAccount(tenant: 2, phone: "+4915112345678"));

        await using var scope = harness.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
        db.Accounts.Add(TestData.NewAccount(tenant: 1, phone: "+4915112345678"));

        var error = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(Ct));
        Assert.True(db.IsUniqueConstraintViolation(error));
    }

    [Fact]
    public async Task Remove_Account_DeletesItsSecrets()
    {
        await using var harness = await StartAsync(Ct);
        var account = TestData.NewAccount();
        await SaveNewAsync(harness, account);
        await using (var scope = harness.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<AccountSecretStore>().SaveSessionAsync(account.Id, TestData.SessionBlob(), Ct);
            var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
            db.Accounts.Remove(await db.Accounts.SingleAsync(a => a.Id == account.Id, Ct));
            await db.SaveChangesAsync(Ct);
        }

        await using var check = harness.CreateScope();
        var checkDb = check.ServiceProvider.GetRequiredService<ChannelDbContext>();
        Assert.False(await checkDb.Accounts.AnyAsync(Ct));
        Assert.False(await checkDb.AccountSecrets.AnyAsync(Ct));
    }

    [Fact]
    public async Task KeyRing_StoredKeys_AreWrappedNotPlaintext()
    {
        await using var harness = await StartAsync(Ct);
        var account = TestData.NewAccount();
        await SaveNewAsync(harness, account);

        await using var scope = harness.CreateScope();
        var keys = await scope.ServiceProvider.GetRequiredService<ChannelDbContext>().DataProtectionKeys.AsNoTracking().ToListAsync(Ct);

        Assert.NotEmpty(keys);
        Assert.All(keys, key =>
        {
            Assert.Contains("encryptedSecret", key.Xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<masterKey", key.Xml, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task SessionCheckClaims_OneAccount_DueOnlyOncePerNextCheckAt()
    {
        await using var harness = await StartAsync(Ct);
        var account = TestData.NewAccount();
        await SaveNewAsync(harness, account);
        var now = TestData.Time.GetUtcNow();

        var first = await ClaimAsync(harness, account.Id, now, now.AddMinutes(5));
        var beforeDue = await ClaimAsync(harness, account.Id, now.AddMinutes(4), now.AddMinutes(9));
        var whenDue = await ClaimAsync(harness, account.Id, now.AddMinutes(5), now.AddMinutes(10));
        var sameRoundAgain = await ClaimAsync(harness, account.Id, now.AddMinutes(5), now.AddMinutes(10));

        Assert.Equal((true, false, true, false), (first, beforeDue, whenDue, sameRoundAgain));
    }

    [Fact]
    public async Task SessionCheckClaims_TwoClaimantsAtOnce_ExactlyOneWinsEachRound()
    {
        await using var harness = await StartAsync(Ct);
        var account = TestData.NewAccount();
        await SaveNewAsync(harness, account);
        var now = TestData.Time.GetUtcNow();

        // Round 1 inserts the slot, round 2 updates it: both paths must let one claimant through.
        foreach (var round in new[] { now, now.AddMinutes(5) })
        {
            var claims = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => ClaimAsync(harness, account.Id, round, round.AddMinutes(5)))));

            Assert.Single(claims, claimed => claimed);
        }
    }

    [Fact]
    public async Task SessionCheckClaims_AccountDeleted_NotClaimedAndSlotGone()
    {
        await using var harness = await StartAsync(Ct);
        var account = TestData.NewAccount();
        await SaveNewAsync(harness, account);
        var now = TestData.Time.GetUtcNow();
        Assert.True(await ClaimAsync(harness, account.Id, now, now.AddMinutes(5)));

        await using (var scope = harness.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
            db.Accounts.Remove(await db.Accounts.SingleAsync(a => a.Id == account.Id, Ct));
            await db.SaveChangesAsync(Ct);
            Assert.False(await db.SessionChecks.AnyAsync(Ct));
        }

        Assert.False(await ClaimAsync(harness, account.Id, now.AddMinutes(5), now.AddMinutes(10)));
    }

    private static async Task<bool> ClaimAsync(PersistenceHarness harness, TelegramAccountId accountId, DateTimeOffset now, DateTimeOffset next)
    {
        await using var scope = harness.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<SessionCheckClaims>().TryClaimAsync(accountId, now, next, Ct);
    }

    private protected static async Task SaveNewAsync(PersistenceHarness harness, TelegramAccount account)
    {
        await using var scope = harness.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
        db.Accounts.Add(account);
        scope.ServiceProvider.GetRequiredService<AccountSecretStore>().AddApiHash(account.Id, TestData.Credentials);
        await db.SaveChangesAsync(Ct);
        account.ClearDomainEvents();
    }

}
