using Channel.Domain.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Channel.Persistence.Accounts;

internal sealed class TelegramAccountConfiguration : IEntityTypeConfiguration<TelegramAccount>
{
    public const string ConcurrencyStamp = nameof(ConcurrencyStamp);

    public void Configure(EntityTypeBuilder<TelegramAccount> builder)
    {
        builder.ToTable("TelegramAccounts");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).HasConversion(id => id.Value, value => new TelegramAccountId(value)).ValueGeneratedNever();
        builder.Property(a => a.HelpdeskAccountId)
            .HasConversion(id => id.Value, value => new HelpdeskAccountId(value));
        builder.Property(a => a.PhoneNumber)
            .HasConversion(phone => phone.E164, e164 => PhoneNumber.FromE164(e164))
            .HasMaxLength(16)
            .IsUnicode(false);
        builder.Property(a => a.DisplayName).HasMaxLength(TelegramAccount.MaxDisplayNameLength);
        builder.Property(a => a.Status).HasConversion<string>().HasMaxLength(32).IsUnicode(false);
        builder.OwnsOne(a => a.Identity, identity =>
        {
            identity.Property(i => i.UserId).HasColumnName("TelegramUserId");
            identity.Property(i => i.Username).HasColumnName("TelegramUsername").HasMaxLength(64);
            identity.Property(i => i.FirstName).HasColumnName("TelegramFirstName").HasMaxLength(256);
            identity.Property(i => i.LastName).HasColumnName("TelegramLastName").HasMaxLength(256);
        });

        // Optimistic concurrency: a new stamp on every save (see ChannelDbContext); SQLite has no rowversion.
        builder.Property<Guid>(ConcurrencyStamp).IsConcurrencyToken();

        builder.Ignore(a => a.DomainEvents);
        builder.Ignore(a => a.IsFinal);

        // One account per tenant and phone: CreateAccount maps the violation to ALREADY_EXISTS.
        builder.HasIndex(a => new { a.HelpdeskAccountId, a.PhoneNumber }).IsUnique();
        // Keyset paging of ListAccounts: (tenant, created, id).
        builder.HasIndex(a => new { a.HelpdeskAccountId, a.CreatedAt, a.Id });
    }
}
