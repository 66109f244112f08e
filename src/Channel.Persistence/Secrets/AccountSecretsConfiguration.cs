using Channel.Domain.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Channel.Persistence.Secrets;

internal sealed class AccountSecretsConfiguration : IEntityTypeConfiguration<AccountSecrets>
{
    public void Configure(EntityTypeBuilder<AccountSecrets> builder)
    {
        builder.ToTable("TelegramAccountSecrets");
        builder.HasKey(s => s.AccountId);
        builder.Property(s => s.AccountId).HasConversion(id => id.Value, value => new TelegramAccountId(value)).ValueGeneratedNever();
        builder.Property(s => s.ApiHash).IsRequired();

        // Deleting the account deletes its secrets, in the database too (rows the context does not track).
        builder.HasOne<TelegramAccount>().WithOne().HasForeignKey<AccountSecrets>(s => s.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
