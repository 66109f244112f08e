using Channel.Domain.Accounts;
using Channel.Persistence.Leases;
using Channel.Persistence.Secrets;
using Channel.Persistence.Updates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Channel.Persistence.Tests.Leases;

/// <summary>What the lease store must do on every provider: take, renew in one statement, take over, fence, release.</summary>
public abstract class AccountLeaseBehaviours
{
    private const string Me = "replica-a";
    private const string Other = "replica-b";
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(20);

    // Whole seconds: every provider stores them exactly.
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private protected abstract Task<PersistenceHarness> StartAsync(CancellationToken cancellationToken);

    [Fact]
    public async Task TryAcquire_NeverLeased_TakesTokenOne_AndAnotherOwnerIsRefusedUntilExpiry()
    {
        await using var harness = await StartAsync(Ct);
        var account = await SaveAccountAsync(harness);

        var mine = await AcquireAsync(harness, account, Me, Now);
        var theirs = await AcquireAsync(harness, account, Other, Now.AddSeconds(19));
        var again = await AcquireAsync(harness, account, Me, Now.AddSeconds(1));

        Assert.Equal(new Lease(account, Me, 1), mine);
        Assert.Null(theirs);
        Assert.Equal(mine, again);
    }

    [Fact]
    public async Task TryAcquire_Expired_TakesOverWithTheNextToken()
    {
        await using var harness = await StartAsync(Ct);
        var account = await SaveAccountAsync(harness);
        await AcquireAsync(harness, account, Me, Now);

        var taken = await AcquireAsync(harness, account, Other, Now + Duration);
        var back = await AcquireAsync(harness, account, Me, Now + (2 * Duration));

        Assert.Equal(new Lease(account, Other, 2), taken);
        Assert.Equal(new Lease(account, Me, 3), back);
    }

    [Fact]
    public async Task TryAcquire_ManyReplicasAtOnce_ExactlyOneWins()
    {
        await using var harness = await StartAsync(Ct);
        var account = await SaveAccountAsync(harness);

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() => AcquireAsync(harness, account, $"replica-{i}", Now))));

        Assert.Single(results, lease => lease is not null);
    }

    [Fact]
    public async Task RenewAll_ExtendsEveryHeldLeaseInOneStatement_AndDoesNotReviveAnExpiredOne()
    {
        await using var harness = await StartAsync(Ct);
        var accounts = new List<TelegramAccountId>();
        for (var i = 0; i < 3; i++)
        {
            accounts.Add(await SaveAccountAsync(harness));
            await AcquireAsync(harness, accounts[^1], Me, Now);
        }

        var late = await SaveAccountAsync(harness);
        await AcquireAsync(harness, late, Me, Now - Duration);
        var theirs = await SaveAccountAsync(harness);
        await AcquireAsync(harness, theirs, Other, Now);

        int renewed;
        var before = UpdateCommands(harness);
        await using (var scope = harness.CreateScope())
        {
            renewed = await scope.ServiceProvider.GetRequiredService<AccountLeaseStore>().RenewAllAsync(Me, Now.AddSeconds(5), Now.AddSeconds(5) + Duration, Ct);
        }

        Assert.Equal(3, renewed);
        Assert.Equal(1, UpdateCommands(harness) - before);
        await using var check = harness.CreateScope();
        var store = check.ServiceProvider.GetRequiredService<AccountLeaseStore>();
        var held = await store.GetHeldAsync(Me, Now + Duration, Ct);
        Assert.Equal(accounts.Order(), held.Select(l => l.AccountId).Order());
        Assert.Null(await AcquireAsync(harness, theirs, Me, Now.AddSeconds(1)));
    }

    [Fact]
    public async Task Fence_CurrentLease_LetsTheTransactionCommit()
    {
        await using var harness = await StartAsync(Ct);
        var account = await SaveAccountAsync(harness);
        var lease = (await AcquireAsync(harness, account, Me, Now))!;

        await WriteUpdateStateFencedAsync(harness, lease, Now.AddSeconds(1), pts: 7);

        Assert.Equal(7, await StoredPtsAsync(harness, account));
    }

    [Fact]
    public async Task Fence_StaleTokenAfterTakeOver_ThrowsLeaseLost_AndWritesNothing()
    {
        await using var harness = await StartAsync(Ct);
        var account = await SaveAccountAsync(harness);
        var old = (await AcquireAsync(harness, account, Me, Now))!;
        var taken = (await AcquireAsync(harness, account, Other, Now + Duration))!;
        await WriteUpdateStateFencedAsync(harness, taken, Now + Duration, pts: 5);

        // The paused old owner wakes up with its old token (its own clock even says the lease is current).
        var error = await Assert.ThrowsAsync<LeaseLostException>(() => WriteUpdateStateFencedAsync(harness, old, Now.AddSeconds(1), pts: 99));

        Assert.Equal(account, error.AccountId);
        Assert.Equal(5, await StoredPtsAsync(harness, account));
    }

    [Fact]
    public async Task FenceAll_TenHeldLeases_OneStatementPerEight_AndTheTransactionCommits()
    {
        await using var harness = await StartAsync(Ct);
        var leases = await AcquireManyAsync(harness, 10);

        // A take-over and back gives a token other than 1, so tokens differ between accounts as they do in production.
        await AcquireAsync(harness, leases[3].AccountId, Other, Now + Duration);
        leases[3] = (await AcquireAsync(harness, leases[3].AccountId, Me, Now + (2 * Duration)))!;

        var before = UpdateCommands(harness);
        await FenceAllAsync(harness, [.. leases, leases[0]], Now.AddSeconds(1));

        Assert.Equal(2, UpdateCommands(harness) - before);
        Assert.Equal(3, leases[3].Token);
    }

    [Fact]
    public async Task FenceAll_OneLeaseTakenOver_ThrowsLeaseLostForThatOne()
    {
        await using var harness = await StartAsync(Ct);
        var leases = await AcquireManyAsync(harness, 3);

        // The second account's lease is released and taken by another replica.
        await using (var scope = harness.CreateScope())
        {
            Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<AccountLeaseStore>().ReleaseAsync(leases[1], Ct));
        }

        Assert.NotNull(await AcquireAsync(harness, leases[1].AccountId, Other, Now.AddSeconds(1)));

        var error = await Assert.ThrowsAsync<LeaseLostException>(() => FenceAllAsync(harness, leases, Now.AddSeconds(2)));

        Assert.Equal((leases[1].AccountId, 1L), (error.AccountId, error.Token));
    }

    [Fact]
    public async Task Fence_ExpiredButNotTakenOver_ThrowsLeaseLost()
    {
        await using var harness = await StartAsync(Ct);
        var account = await SaveAccountAsync(harness);
        var lease = (await AcquireAsync(harness, account, Me, Now))!;

        await Assert.ThrowsAsync<LeaseLostException>(() => WriteUpdateStateFencedAsync(harness, lease, Now + Duration, pts: 1));

        Assert.Null(await StoredPtsAsync(harness, account));
    }

    [Fact]
    public async Task Release_LetsAnotherOwnerTakeAtOnce_WithTheNextToken_AndFencesTheOldOne()
    {
        await using var harness = await StartAsync(Ct);
        var first = await SaveAccountAsync(harness);
        var second = await SaveAccountAsync(harness);
        var lease = (await AcquireAsync(harness, first, Me, Now))!;
        await AcquireAsync(harness, second, Me, Now);

        await using (var scope = harness.CreateScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<AccountLeaseStore>();
            Assert.Equal(1, await store.ReleaseAsync(lease, Ct));
            Assert.Equal(1, await store.ReleaseAllAsync(Me, Ct));
            Assert.Empty(await store.GetHeldAsync(Me, Now, Ct));
            Assert.Equal(new[] { first, second }.Order(), (await store.GetFreeAsync([first, second], Now, Ct)).Order());
        }

        Assert.Equal(new Lease(first, Other, 2), await AcquireAsync(harness, first, Other, Now.AddSeconds(1)));
        await Assert.ThrowsAsync<LeaseLostException>(() => WriteUpdateStateFencedAsync(harness, lease, Now.AddSeconds(1), pts: 1));
    }

    [Fact]
    public async Task Heartbeats_CountLiveReplicas_AndForgetLongDeadOnes()
    {
        await using var harness = await StartAsync(Ct);
        await using var scope = harness.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<AccountLeaseStore>();

        await store.BeatAsync(Me, Now, Ct);
        await store.BeatAsync(Other, Now.AddMinutes(-1), Ct);
        await store.BeatAsync("replica-c", Now.AddDays(-2), Ct);
        await store.BeatAsync(Me, Now.AddSeconds(5), Ct);

        Assert.Equal(1, await store.CountLiveReplicasAsync(Now.AddSeconds(-20), Now.AddDays(-1), Ct));
        Assert.Equal(2, await store.CountLiveReplicasAsync(Now.AddMinutes(-2), Now.AddDays(-1), Ct));
        Assert.Equal(2, await scope.ServiceProvider.GetRequiredService<ChannelDbContext>().ReplicaHeartbeats.CountAsync(Ct));
        Assert.Equal(1, await store.RemoveReplicaAsync(Me, Ct));
        Assert.Equal(0, await store.CountLiveReplicasAsync(Now.AddSeconds(-20), Now.AddDays(-1), Ct));
    }

    [Fact]
    public async Task DeletedAccount_LeaseGoesWithIt_AndCannotBeTaken()
    {
        await using var harness = await StartAsync(Ct);
        var account = await SaveAccountAsync(harness);
        await AcquireAsync(harness, account, Me, Now);
        await using (var scope = harness.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
            db.Accounts.Remove(await db.Accounts.SingleAsync(a => a.Id == account, Ct));
            await db.SaveChangesAsync(Ct);
            Assert.False(await db.AccountLeases.AnyAsync(Ct));
        }

        Assert.Null(await AcquireAsync(harness, account, Other, Now));
    }

    [Fact]
    public async Task ServiceLease_OneHolderAtATime_RenewedByItsHolder_TakenOnceExpired_ReleasedAtOnce()
    {
        await using var harness = await StartAsync(Ct);
        await using var scope = harness.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<AccountLeaseStore>();
        const string job = "outbox-dispatcher";

        var first = await store.TryHoldServiceLeaseAsync(job, Me, Now, Now + Duration, Ct);
        var other = await store.TryHoldServiceLeaseAsync(job, Other, Now.AddSeconds(5), Now.AddSeconds(5) + Duration, Ct);
        var renewed = await store.TryHoldServiceLeaseAsync(job, Me, Now.AddSeconds(10), Now.AddSeconds(10) + Duration, Ct);
        var stillRefused = await store.TryHoldServiceLeaseAsync(job, Other, Now.AddSeconds(25), Now.AddSeconds(25) + Duration, Ct);
        var takenOver = await store.TryHoldServiceLeaseAsync(job, Other, Now.AddSeconds(30), Now.AddSeconds(30) + Duration, Ct);
        var tokenAfterTakeOver = await scope.ServiceProvider.GetRequiredService<ChannelDbContext>().ServiceLeases.AsNoTracking()
            .Where(l => l.Name == job).Select(l => l.Token).SingleAsync(Ct);
        Assert.Equal(1, await store.ReleaseServiceLeaseAsync(job, Other, Ct));
        var backAtOnce = await store.TryHoldServiceLeaseAsync(job, Me, Now.AddSeconds(31), Now.AddSeconds(31) + Duration, Ct);

        Assert.Equal((true, false, true, false, true, 2L, true), (first, other, renewed, stillRefused, takenOver, tokenAfterTakeOver, backAtOnce));
    }

    private static int UpdateCommands(PersistenceHarness harness) =>
        harness.Logs.Entries.Count(e => e.Category == DbLoggerCategory.Database.Command.Name
            && e.Message.Contains("Executed DbCommand", StringComparison.Ordinal)
            && e.Message.Contains("UPDATE", StringComparison.OrdinalIgnoreCase));

    private static async Task<Lease?> AcquireAsync(PersistenceHarness harness, TelegramAccountId account, string owner, DateTimeOffset now)
    {
        await using var scope = harness.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<AccountLeaseStore>().TryAcquireAsync(account, owner, now, now + Duration, Ct);
    }

    private static async Task WriteUpdateStateFencedAsync(PersistenceHarness harness, Lease lease, DateTimeOffset now, int pts)
    {
        await using var scope = harness.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
        var leases = scope.ServiceProvider.GetRequiredService<AccountLeaseStore>();
        await db.InTransactionAsync(
            async ct =>
            {
                await leases.FenceAsync(lease, now, ct);
                var state = await db.AccountUpdateStates.SingleOrDefaultAsync(s => s.AccountId == lease.AccountId, ct);
                if (state is null)
                {
                    db.AccountUpdateStates.Add(new AccountUpdateState { AccountId = lease.AccountId, State = [1], Pts = pts, UpdatedAt = now });
                }
                else
                {
                    state.Pts = pts;
                }

                await db.SaveChangesAsync(ct);
            },
            Ct);
    }

    /// <summary>New accounts, each leased by <see cref="Me"/> at <see cref="Now"/>.</summary>
    private static async Task<List<Lease>> AcquireManyAsync(PersistenceHarness harness, int count)
    {
        List<Lease> leases = [];
        for (var i = 0; i < count; i++)
        {
            leases.Add((await AcquireAsync(harness, await SaveAccountAsync(harness), Me, Now))!);
        }

        return leases;
    }

    private static async Task FenceAllAsync(PersistenceHarness harness, IReadOnlyList<Lease> leases, DateTimeOffset now)
    {
        await using var scope = harness.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
        var store = scope.ServiceProvider.GetRequiredService<AccountLeaseStore>();
        await db.InTransactionAsync(ct => store.FenceAllAsync(leases, now, ct), Ct);
    }

    private static async Task<int?> StoredPtsAsync(PersistenceHarness harness, TelegramAccountId account)
    {
        await using var scope = harness.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<ChannelDbContext>().AccountUpdateStates.AsNoTracking()
            .Where(s => s.AccountId == account).Select(s => (int?)s.Pts).SingleOrDefaultAsync(Ct);
    }

    private static async Task<TelegramAccountId> SaveAccountAsync(PersistenceHarness harness)
    {
        var account = TestData.NewAccount(phone: "+49151" + Random.Shared.Next(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await using var scope = harness.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
        db.Accounts.Add(account);
        scope.ServiceProvider.GetRequiredService<AccountSecretStore>().AddApiHash(account.Id, TestData.Credentials);
        await db.SaveChangesAsync(Ct);
        return account.Id;
    }
}
