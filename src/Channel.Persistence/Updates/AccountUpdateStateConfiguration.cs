using Channel.Domain.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Channel.Persistence.Updates;

internal sealed class AccountUpdateStateConfiguration : IEntityTypeConfiguration<AccountUpdateState>
{
    public void Configure(EntityTypeBuilder<AccountUpdateState> builder)
    {
        builder.ToTable("AccountUpdateStates");
        builder.HasKey(s => s.AccountId);
        builder.Property(s => s.AccountId).HasConversion(id => id.Value, value => new TelegramAccountId(value)).ValueGeneratedNever();
        builder.Property(s => s.State).IsRequired();
        builder.HasOne<TelegramAccount>().WithOne().HasForeignKey<AccountUpdateState>(s => s.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
