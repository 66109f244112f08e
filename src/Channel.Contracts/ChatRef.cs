namespace Channel.Contracts;

/// <summary>The Telegram chat a message belongs to.</summary>
public sealed record ChatRef
{
    /// <summary>One of <see cref="ChatKinds"/>: "user", "group" or "channel".</summary>
    public required string Kind { get; init; }

    /// <summary>Telegram's id of the user, chat or channel (not the "marked" -100… form).</summary>
    public required long Id { get; init; }

    /// <summary>The group or channel title, or the user's display name, when known.</summary>
    public string? Title { get; init; }
}
