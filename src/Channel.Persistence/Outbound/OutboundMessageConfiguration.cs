using Channel.Domain.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Channel.Persistence.Outbound;

internal sealed class OutboundMessageConfiguration : IEntityTypeConfiguration<OutboundMessage>
{
    public void Configure(EntityTypeBuilder<OutboundMessage> builder)
    {
        builder.ToTable("OutboundMessages");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).ValueGeneratedOnAdd();
        builder.Property(m => m.AccountId).HasConversion(id => id.Value, value => new TelegramAccountId(value));
        builder.Property(m => m.IdempotencyKey).HasMaxLength(OutboundMessage.MaxIdempotencyKeyLength);
        builder.Property(m => m.PeerKind).HasMaxLength(16).IsUnicode(false);
        builder.Property(m => m.PeerValue).HasMaxLength(OutboundMessage.MaxPeerLength);
        builder.Property(m => m.ChatKind).HasMaxLength(16).IsUnicode(false);
        builder.Property(m => m.MediaKind).HasMaxLength(16).IsUnicode(false);
        builder.Property(m => m.TextHash).HasMaxLength(64).IsUnicode(false);
        builder.Property(m => m.FailureReason).HasMaxLength(OutboundMessage.MaxReasonLength);
        builder.Property(m => m.Origin).HasConversion<int>();
        builder.Property(m => m.State).HasConversion<int>();

        // The idempotency rule itself: one row per key and account, on every replica.
        builder.HasIndex(m => new { m.AccountId, m.IdempotencyKey }).IsUnique();

        // The send queue's scan (an account's pending rows in Id order) and the replay check (chat, message id).
        builder.HasIndex(m => new { m.AccountId, m.State, m.Id });
        builder.HasIndex(m => new { m.AccountId, m.ChatId, m.TelegramMessageId });

        // Pruning by age.
        builder.HasIndex(m => m.CreatedAt);
        builder.HasOne<TelegramAccount>().WithMany().HasForeignKey(m => m.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
