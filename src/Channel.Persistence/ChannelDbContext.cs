using Channel.Domain.Accounts;
using Channel.Persistence.Accounts;
using Channel.Persistence.Audit;
using Channel.Persistence.Leases;
using Channel.Persistence.Media;
using Channel.Persistence.Outbound;
using Channel.Persistence.Outbox;
using Channel.Persistence.Secrets;
using Channel.Persistence.Sessions;
using Channel.Persistence.Updates;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Channel.Persistence;

/// <summary>
/// The service's database. One derived type per provider (<see cref="SqliteChannelDbContext"/>,
/// <see cref="SqlServerChannelDbContext"/>) so each provider has its own migration set; code depends on this type.
/// Also holds the DataProtection key ring (encrypted by the configured XML encryptor before it gets here).
/// <para>
/// Saving a <see cref="TelegramAccount"/> turns its status-changing domain events into <see cref="Contracts.AccountStatusChanged"/>
/// outbox rows in the same SaveChanges, then clears the events (only when the save succeeded). Once the save has
/// committed (at once, or when the surrounding transaction commits) the dispatcher is woken when outbox rows were
/// added, and every <see cref="IAccountStatusListener"/> is told about the status changes.
/// </para>
/// </summary>
public abstract class ChannelDbContext(DbContextOptions options, ChannelSaveNotifications? notifications = null)
    : DbContext(options), IDataProtectionKeyContext
{
    private readonly List<CommittedAccountChange> _pendingChanges = [];
    private bool _pendingOutboxRows;
    private bool _holdsWriteGate;
    private WriteGateHold _commandHold;

    public DbSet<TelegramAccount> Accounts => Set<TelegramAccount>();

    /// <summary>Events waiting for (or kept after) publication. Add rows through <see cref="OutboxWriter"/>.</summary>
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    /// <summary>Per account: the runtime's MTProto update state and the last event sequence it assigned.</summary>
    public DbSet<AccountUpdateState> AccountUpdateStates => Set<AccountUpdateState>();

    /// <summary>Per account: the runtime's serialized peer cache (access hashes).</summary>
    public DbSet<AccountPeerCache> AccountPeerCaches => Set<AccountPeerCache>();

    /// <summary>Update batches the runtime could not process, kept for an operator (no message text).</summary>
    public DbSet<ParkedUpdateBatch> ParkedUpdateBatches => Set<ParkedUpdateBatch>();

    /// <summary>Agents' replies by (account, idempotency key): recorded before they are sent.</summary>
    public DbSet<OutboundMessage> OutboundMessages => Set<OutboundMessage>();

    /// <summary>Files agents uploaded to attach to replies (pruned after a retention period).</summary>
    public DbSet<MediaUpload> MediaUploads => Set<MediaUpload>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>Per account: which replica may connect it, until when, under which fencing token (<see cref="AccountLeaseStore"/>).</summary>
    public DbSet<AccountLease> AccountLeases => Set<AccountLease>();

    /// <summary>The live replicas, for spreading the accounts evenly over them.</summary>
    public DbSet<ReplicaHeartbeat> ReplicaHeartbeats => Set<ReplicaHeartbeat>();

    /// <summary>Leases on jobs one replica at a time runs (the outbox dispatcher).</summary>
    public DbSet<ServiceLease> ServiceLeases => Set<ServiceLease>();

    /// <summary>Append-only onboarding audit (no secrets, no phone numbers).</summary>
    public DbSet<OnboardingAuditRecord> OnboardingAudit => Set<OnboardingAuditRecord>();

    internal DbSet<AccountSecrets> AccountSecrets => Set<AccountSecrets>();

    internal DbSet<SessionCheckSlot> SessionChecks => Set<SessionCheckSlot>();

    /// <summary>True when the save failed on a unique index (for accounts: the tenant already has this phone).</summary>
    public abstract bool IsUniqueConstraintViolation(DbUpdateException exception);

    /// <summary>True while this context holds the <see cref="SqliteWriteGate"/> (in a transaction or a save).</summary>
    internal bool HoldsWriteGate => _holdsWriteGate;

    /// <summary>The provider's in-process write queue; only SQLite has one.</summary>
    private protected virtual SqliteWriteGate? WriteGate => null;

    /// <summary>Enters the write gate unless this context already holds it (or the provider has none); dispose to leave.</summary>
    internal async ValueTask<WriteGateHold> HoldWriteGateAsync(CancellationToken cancellationToken)
    {
        if (WriteGate is not { } gate || _holdsWriteGate)
        {
            return default;
        }

        await gate.EnterAsync(cancellationToken);
        _holdsWriteGate = true;
        return new WriteGateHold(this);
    }

    private WriteGateHold HoldWriteGate()
    {
        if (WriteGate is not { } gate || _holdsWriteGate)
        {
            return default;
        }

        gate.Enter();
        _holdsWriteGate = true;
        return new WriteGateHold(this);
    }

    /// <summary>For a statement that writes outside a transaction (<see cref="SqliteWriteGateInterceptor"/>).</summary>
    internal async ValueTask HoldWriteGateForCommandAsync(CancellationToken cancellationToken) =>
        _commandHold = await HoldWriteGateAsync(cancellationToken);

    /// <inheritdoc cref="HoldWriteGateForCommandAsync"/>
    internal void HoldWriteGateForCommand() => _commandHold = HoldWriteGate();

    /// <summary>Leaves the gate if the statement that just ended entered it (one that failed waiting never did).</summary>
    internal void ReleaseCommandWriteGate()
    {
        var hold = _commandHold;
        _commandHold = default;
        hold.Dispose();
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        using var hold = await HoldWriteGateAsync(cancellationToken);
        StampConcurrencyTokens();
        var staged = StageAccountEvents();
        int written;
        try
        {
            written = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }
        catch
        {
            Unstage(staged);
            throw;
        }

        Saved(staged);
        return written;
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        using var hold = HoldWriteGate();
        StampConcurrencyTokens();
        var staged = StageAccountEvents();
        int written;
        try
        {
            written = base.SaveChanges(acceptAllChangesOnSuccess);
        }
        catch
        {
            Unstage(staged);
            throw;
        }

        Saved(staged);
        return written;
    }

    internal void OnTransactionCommitted()
    {
        if (_pendingChanges.Count == 0 && !_pendingOutboxRows)
        {
            return;
        }

        var changes = _pendingChanges.ToArray();
        var outboxRows = _pendingOutboxRows;
        DiscardPendingNotifications();
        notifications?.Committed(changes, outboxRows);
    }

    /// <summary>
    /// Outbox rows were written without the change tracker (<see cref="OutboxWriter.InsertAsync"/>, always inside the
    /// caller's transaction): wake the dispatcher after its commit.
    /// </summary>
    internal void OutboxRowsWritten() => _pendingOutboxRows = true;

    internal void DiscardPendingNotifications()
    {
        _pendingChanges.Clear();
        _pendingOutboxRows = false;
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyConfiguration(new TelegramAccountConfiguration());
        modelBuilder.ApplyConfiguration(new AccountSecretsConfiguration());
        modelBuilder.ApplyConfiguration(new OnboardingAuditConfiguration());
        modelBuilder.ApplyConfiguration(new SessionCheckSlotConfiguration());
        modelBuilder.ApplyConfiguration(new OutboxMessageConfiguration());
        modelBuilder.ApplyConfiguration(new AccountUpdateStateConfiguration());
        modelBuilder.ApplyConfiguration(new AccountPeerCacheConfiguration());
        modelBuilder.ApplyConfiguration(new ParkedUpdateBatchConfiguration());
        modelBuilder.ApplyConfiguration(new AccountLeaseConfiguration());
        modelBuilder.ApplyConfiguration(new ReplicaHeartbeatConfiguration());
        modelBuilder.ApplyConfiguration(new ServiceLeaseConfiguration());
        modelBuilder.ApplyConfiguration(new OutboundMessageConfiguration());
        modelBuilder.ApplyConfiguration(new MediaUploadConfiguration());
        modelBuilder.Entity<DataProtectionKey>().ToTable("DataProtectionKeys");
    }

    private void StampConcurrencyTokens()
    {
        // The original value goes into the UPDATE's WHERE clause; the new one makes concurrent writers conflict.
        foreach (var entry in ChangeTracker.Entries<TelegramAccount>())
        {
            // A changed owned value (the Telegram identity) updates the same row, so it counts as a change too.
            if (entry.State is EntityState.Added or EntityState.Modified
                || entry.References.Any(r => r.TargetEntry is { State: EntityState.Added or EntityState.Modified or EntityState.Deleted }))
            {
                entry.Property(TelegramAccountConfiguration.ConcurrencyStamp).CurrentValue = Guid.NewGuid();
            }
        }
    }

    private StagedSave StageAccountEvents()
    {
        var staged = new StagedSave();
        foreach (var entry in ChangeTracker.Entries<TelegramAccount>().ToList())
        {
            var account = entry.Entity;
            if (account.DomainEvents.Count == 0)
            {
                continue;
            }

            AccountStatus? before = entry.State == EntityState.Added
                ? null
                : entry.Property(a => a.Status).OriginalValue;
            staged.Changes.AddRange(AccountStatusEvents.Stage(this, account, before, staged.Rows));
            staged.Accounts.Add(account);
        }

        staged.OutboxRowsAdded = ChangeTracker.Entries<OutboxMessage>().Any(e => e.State == EntityState.Added);
        return staged;
    }

    private void Unstage(StagedSave staged)
    {
        // The events stay on the aggregates, so a retried save stages them again (never twice, never dropped).
        foreach (var row in staged.Rows)
        {
            Entry(row).State = EntityState.Detached;
        }
    }

    private void Saved(StagedSave staged)
    {
        foreach (var account in staged.Accounts)
        {
            account.ClearDomainEvents();
        }

        _pendingChanges.AddRange(staged.Changes);
        _pendingOutboxRows |= staged.OutboxRowsAdded;
        if (Database.CurrentTransaction is null)
        {
            OnTransactionCommitted();
        }
    }

    /// <summary>Leaves the write gate on dispose; the default value holds nothing.</summary>
    internal readonly struct WriteGateHold(ChannelDbContext? owner) : IDisposable
    {
        public void Dispose()
        {
            if (owner is not null)
            {
                owner._holdsWriteGate = false;
                owner.WriteGate!.Exit();
            }
        }
    }

    private sealed class StagedSave
    {
        public List<TelegramAccount> Accounts { get; } = [];

        public List<OutboxMessage> Rows { get; } = [];

        public List<CommittedAccountChange> Changes { get; } = [];

        public bool OutboxRowsAdded { get; set; }
    }
}
