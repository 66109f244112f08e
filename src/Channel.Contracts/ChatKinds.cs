namespace Channel.Contracts;

/// <summary>The values of <see cref="ChatRef.Kind"/>: plain lowercase strings so that any JSON consumer can switch on them.</summary>
public static class ChatKinds
{
    /// <summary>A private (one-to-one) chat with a user; <see cref="ChatRef.Id"/> is the user id.</summary>
    public const string User = "user";

    /// <summary>A basic group or a supergroup; <see cref="ChatRef.Id"/> is Telegram's chat or channel id.</summary>
    public const string Group = "group";

    /// <summary>A broadcast channel; <see cref="ChatRef.Id"/> is Telegram's channel id.</summary>
    public const string Channel = "channel";
}
