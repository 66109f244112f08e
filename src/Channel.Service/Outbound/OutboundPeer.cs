namespace Channel.Service.Outbound;

/// <summary>How a request names the peer: exactly one of a known user id, a username, a phone, a basic group id or a supergroup/channel id.</summary>
internal readonly record struct OutboundPeer(string Kind, string Value)
{
    public const string UserId = "user_id";
    public const string Username = "username";
    public const string Phone = "phone";
    public const string ChatId = "chat_id";
    public const string ChannelId = "channel_id";
}
