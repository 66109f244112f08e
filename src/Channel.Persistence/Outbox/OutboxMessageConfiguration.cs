using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Channel.Persistence.Outbox;

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public const int MaxErrorLength = 2000;

    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        builder.ToTable("OutboxMessages");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).ValueGeneratedOnAdd();
        builder.Property(m => m.MessageType).HasMaxLength(128).IsUnicode(false);
        builder.Property(m => m.Body).IsRequired();
        builder.Property(m => m.LastError).HasMaxLength(MaxErrorLength);
        builder.HasIndex(m => m.MessageId).IsUnique();

        // The dispatcher's scan: unsent rows in Id order. Bracket quoting is understood by SQLite as well.
        builder.HasIndex(m => m.Id).HasFilter("[SentAt] IS NULL").HasDatabaseName("IX_OutboxMessages_Unsent");

        // Pruning: sent rows by age.
        builder.HasIndex(m => m.SentAt);
    }
}
