using Channel.Domain.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Channel.Persistence.Sessions;

/// <summary>When an account's session is next due for a check; <see cref="SessionCheckClaims"/> moves it forward.</summary>
internal sealed class SessionCheckSlot
{
    public required TelegramAccountId AccountId { get; init; }

    public required DateTimeOffset NextCheckAt { get; set; }
}

internal sealed class SessionCheckSlotConfiguration : IEntityTypeConfiguration<SessionCheckSlot>
{
    public void Configure(EntityTypeBuilder<SessionCheckSlot> builder)
    {
        builder.ToTable("SessionChecks");
        builder.HasKey(s => s.AccountId);
        builder.Property(s => s.AccountId).HasConversion(id => id.Value, value => new TelegramAccountId(value)).ValueGeneratedNever();

        // The slot goes with its account.
        builder.HasOne<TelegramAccount>().WithOne().HasForeignKey<SessionCheckSlot>(s => s.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
