using Channel.Domain.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Channel.Persistence.Updates;

internal sealed class AccountPeerCacheConfiguration : IEntityTypeConfiguration<AccountPeerCache>
{
    public void Configure(EntityTypeBuilder<AccountPeerCache> builder)
    {
        builder.ToTable("AccountPeerCaches");
        builder.HasKey(c => c.AccountId);
        builder.Property(c => c.AccountId).HasConversion(id => id.Value, value => new TelegramAccountId(value)).ValueGeneratedNever();
        builder.Property(c => c.Data).IsRequired();
        builder.HasOne<TelegramAccount>().WithOne().HasForeignKey<AccountPeerCache>(c => c.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
