using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Channel.Persistence.Audit;

internal sealed class OnboardingAuditConfiguration : IEntityTypeConfiguration<OnboardingAuditRecord>
{
    public void Configure(EntityTypeBuilder<OnboardingAuditRecord> builder)
    {
        builder.ToTable("OnboardingAudit");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedOnAdd();
        builder.Property(r => r.Event).HasConversion<string>().HasMaxLength(32).IsUnicode(false);
        builder.Property(r => r.Outcome).HasConversion<string>().HasMaxLength(16).IsUnicode(false);
        builder.Property(r => r.Reason).HasMaxLength(OnboardingAuditRecord.MaxReasonLength).IsUnicode(false);

        // Attempt counting (wrong codes since the last code) and per-account history read by account and time.
        builder.HasIndex(r => new { r.AccountId, r.OccurredAt });
    }
}
