namespace Channel.MTProto.Messaging;

/// <summary>
/// The text is longer than Telegram's message_length_max (from help.getConfig), detected before sending; split it or
/// send it as a file. Also raised for Telegram's own MESSAGE_TOO_LONG.
/// </summary>
public sealed class MessageTooLongException : Exception
{
    public MessageTooLongException()
        : base("The message is too long.")
    {
    }

    public MessageTooLongException(string message)
        : base(message)
    {
    }

    public MessageTooLongException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public MessageTooLongException(int length, int maxLength, Exception? innerException = null)
        : base($"The message has {length} characters; Telegram allows {maxLength}.", innerException)
    {
        Length = length;
        MaxLength = maxLength;
    }

    /// <summary>The text's length in UTF-16 code units (Telegram's measure).</summary>
    public int Length { get; }

    /// <summary>message_length_max.</summary>
    public int MaxLength { get; }
}
