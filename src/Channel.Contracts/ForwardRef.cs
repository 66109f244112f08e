namespace Channel.Contracts;

/// <summary>Where a forwarded message came from, as far as the original sender's privacy settings allow.</summary>
public sealed record ForwardRef
{
    public long? UserId { get; init; }

    /// <summary>The channel or group the message was forwarded from.</summary>
    public long? ChatId { get; init; }

    /// <summary>The name Telegram shows when the original sender hides their account.</summary>
    public string? Name { get; init; }

    /// <summary>When the original message was sent.</summary>
    public DateTimeOffset? Date { get; init; }
}
