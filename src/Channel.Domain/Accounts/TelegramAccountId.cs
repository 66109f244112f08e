using System.Diagnostics.CodeAnalysis;

namespace Channel.Domain.Accounts;

/// <summary>Identity of a <see cref="TelegramAccount"/>: a time-ordered (version 7) GUID.</summary>
public readonly record struct TelegramAccountId(Guid Value) : IComparable<TelegramAccountId>
{
    public static TelegramAccountId New(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return new(Guid.CreateVersion7(time.GetUtcNow()));
    }

    public static bool TryParse([NotNullWhen(true)] string? text, out TelegramAccountId id)
    {
        if (Guid.TryParse(text, out var value) && value != Guid.Empty)
        {
            id = new(value);
            return true;
        }

        id = default;
        return false;
    }

    public int CompareTo(TelegramAccountId other) => Value.CompareTo(other.Value);

    public override string ToString() => Value.ToString("D");

    public static bool operator <(TelegramAccountId left, TelegramAccountId right) => left.CompareTo(right) < 0;

    public static bool operator <=(TelegramAccountId left, TelegramAccountId right) => left.CompareTo(right) <= 0;

    public static bool operator >(TelegramAccountId left, TelegramAccountId right) => left.CompareTo(right) > 0;

    public static bool operator >=(TelegramAccountId left, TelegramAccountId right) => left.CompareTo(right) >= 0;
}
