using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Channel.Persistence.Leases;

internal sealed class ServiceLeaseConfiguration : IEntityTypeConfiguration<ServiceLease>
{
    public void Configure(EntityTypeBuilder<ServiceLease> builder)
    {
        builder.ToTable("ServiceLeases");
        builder.HasKey(l => l.Name);
        builder.Property(l => l.Name).HasMaxLength(64).IsUnicode(false);
        builder.Property(l => l.Owner).HasMaxLength(AccountLeaseConfiguration.MaxOwnerLength).IsUnicode(false);
    }
}
