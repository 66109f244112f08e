namespace Channel.Contracts;

/// <summary>The values of <see cref="ChatRef.Kind"/>: plain lowercase strings so that any JSON consumer can switch on them.</summary>
public static class ChatKinds
{
    /// <summary>A private (one-to-one) chat with a user; <see cref="ChatRef.Id"/> is the user id.</summary>
    public const string User = "user";

    /// <summary>A basic group; <see cref="ChatRef.Id"/> is Telegram's chat id.</summary>
    public const string Group = "group";

    /// <summary>
    /// A supergroup (every large Telegram group is one): members talk as in a group, but its ids are a channel's
    /// (<see cref="ChatRef.Id"/> is Telegram's channel id) and its message ids are its own.
    /// </summary>
    public const string Supergroup = "supergroup";

    /// <summary>A broadcast channel; <see cref="ChatRef.Id"/> is Telegram's channel id.</summary>
    public const string Channel = "channel";
}
