namespace Channel.Contracts;

/// <summary>Who sent a message, as far as Telegram told us. Every field may be missing (anonymous admins, channels).</summary>
public sealed record SenderRef
{
    public long? UserId { get; init; }

    /// <summary>Without the leading "@".</summary>
    public string? Username { get; init; }

    public string? FirstName { get; init; }

    public string? LastName { get; init; }

    /// <summary>Only when the sender shares it with the account (a contact); E.164 digits as Telegram gives them.</summary>
    public string? Phone { get; init; }
}
