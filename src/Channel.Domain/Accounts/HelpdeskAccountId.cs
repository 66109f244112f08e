namespace Channel.Domain.Accounts;

/// <summary>The tenant: the helpdesk account (for example a Chatwoot account id) that owns Telegram accounts.</summary>
public readonly record struct HelpdeskAccountId
{
    public HelpdeskAccountId(long value)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
        Value = value;
    }

    public long Value { get; }

    public static bool IsValid(long value) => value > 0;

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
