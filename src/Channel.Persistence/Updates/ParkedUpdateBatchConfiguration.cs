using Channel.Domain.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Channel.Persistence.Updates;

internal sealed class ParkedUpdateBatchConfiguration : IEntityTypeConfiguration<ParkedUpdateBatch>
{
    public void Configure(EntityTypeBuilder<ParkedUpdateBatch> builder)
    {
        builder.ToTable("ParkedUpdateBatches");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).ValueGeneratedOnAdd();
        builder.Property(p => p.AccountId).HasConversion(id => id.Value, value => new TelegramAccountId(value));
        builder.Property(p => p.Error).HasMaxLength(ParkedUpdateBatch.MaxErrorLength);
        builder.Property(p => p.Summary).HasMaxLength(ParkedUpdateBatch.MaxSummaryLength);
        builder.HasOne<TelegramAccount>().WithMany().HasForeignKey(p => p.AccountId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(p => new { p.AccountId, p.Id });
    }
}
