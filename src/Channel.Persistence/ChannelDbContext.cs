using Channel.Domain.Accounts;
using Channel.Persistence.Accounts;
using Channel.Persistence.Audit;
using Channel.Persistence.Secrets;
using Channel.Persistence.Sessions;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Channel.Persistence;

/// <summary>
/// The service's database. One derived type per provider (<see cref="SqliteChannelDbContext"/>,
/// <see cref="SqlServerChannelDbContext"/>) so each provider has its own migration set; code depends on this type.
/// Also holds the DataProtection key ring (encrypted by the configured XML encryptor before it gets here).
/// </summary>
public abstract class ChannelDbContext(DbContextOptions options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<TelegramAccount> Accounts => Set<TelegramAccount>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>Append-only onboarding audit (no secrets, no phone numbers).</summary>
    public DbSet<OnboardingAuditRecord> OnboardingAudit => Set<OnboardingAuditRecord>();

    internal DbSet<AccountSecrets> AccountSecrets => Set<AccountSecrets>();

    internal DbSet<SessionCheckSlot> SessionChecks => Set<SessionCheckSlot>();

    /// <summary>True when the save failed on a unique index (for accounts: the tenant already has this phone).</summary>
    public abstract bool IsUniqueConstraintViolation(DbUpdateException exception);

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        StampConcurrencyTokens();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        StampConcurrencyTokens();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyConfiguration(new TelegramAccountConfiguration());
        modelBuilder.ApplyConfiguration(new AccountSecretsConfiguration());
        modelBuilder.ApplyConfiguration(new OnboardingAuditConfiguration());
        modelBuilder.ApplyConfiguration(new SessionCheckSlotConfiguration());
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
}
