namespace Channel.Service.Messaging;

/// <summary>The broker refused a publish (a nack) or the connection carrying it was lost before its confirm.</summary>
internal sealed class BrokerPublishException : Exception
{
    public BrokerPublishException()
    {
    }

    public BrokerPublishException(string message)
        : base(message)
    {
    }

    public BrokerPublishException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
