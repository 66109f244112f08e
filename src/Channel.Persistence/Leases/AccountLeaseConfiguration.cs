using Channel.Domain.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Channel.Persistence.Leases;

internal sealed class AccountLeaseConfiguration : IEntityTypeConfiguration<AccountLease>
{
    public const int MaxOwnerLength = 128;

    public void Configure(EntityTypeBuilder<AccountLease> builder)
    {
        builder.ToTable("AccountLeases");
        builder.HasKey(l => l.AccountId);
        builder.Property(l => l.AccountId).HasConversion(id => id.Value, value => new TelegramAccountId(value)).ValueGeneratedNever();
        builder.Property(l => l.Owner).HasMaxLength(MaxOwnerLength).IsUnicode(false);
        builder.HasOne<TelegramAccount>().WithOne().HasForeignKey<AccountLease>(l => l.AccountId).OnDelete(DeleteBehavior.Cascade);

        // The renewal: every lease of one owner in one statement.
        builder.HasIndex(l => l.Owner);
    }
}
