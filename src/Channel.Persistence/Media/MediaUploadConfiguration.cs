using Channel.Domain.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Channel.Persistence.Media;

internal sealed class MediaUploadConfiguration : IEntityTypeConfiguration<MediaUpload>
{
    public void Configure(EntityTypeBuilder<MediaUpload> builder)
    {
        builder.ToTable("MediaUploads");
        builder.HasKey(u => u.Id);
        builder.Property(u => u.Id).ValueGeneratedNever();
        builder.Property(u => u.AccountId).HasConversion(id => id.Value, value => new TelegramAccountId(value));
        builder.Property(u => u.FileName).HasMaxLength(MediaUpload.MaxFileNameLength);
        builder.Property(u => u.MimeType).HasMaxLength(MediaUpload.MaxMimeTypeLength).IsUnicode(false);
        builder.Property(u => u.Sha256).HasMaxLength(64).IsUnicode(false);

        // Pruning by age.
        builder.HasIndex(u => u.CreatedAt);
        builder.HasOne<TelegramAccount>().WithMany().HasForeignKey(u => u.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
