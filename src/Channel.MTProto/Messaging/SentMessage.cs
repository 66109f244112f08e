namespace Channel.MTProto.Messaging;

/// <summary>What SendText returns: the message id Telegram assigned and its date.</summary>
public sealed record SentMessage(MessageKey Key, DateTimeOffset Date)
{
    public int MessageId => Key.MessageId;
}
