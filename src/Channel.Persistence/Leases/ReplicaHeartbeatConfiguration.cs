using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Channel.Persistence.Leases;

internal sealed class ReplicaHeartbeatConfiguration : IEntityTypeConfiguration<ReplicaHeartbeat>
{
    public void Configure(EntityTypeBuilder<ReplicaHeartbeat> builder)
    {
        builder.ToTable("ReplicaHeartbeats");
        builder.HasKey(h => h.InstanceId);
        builder.Property(h => h.InstanceId).HasMaxLength(AccountLeaseConfiguration.MaxOwnerLength).IsUnicode(false);
    }
}
