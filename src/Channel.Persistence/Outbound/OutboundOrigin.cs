namespace Channel.Persistence.Outbound;

/// <summary>Who asked: the gRPC caller waits for the answer; bus commands are sent by the account's ordered send queue.</summary>
public enum OutboundOrigin
{
    Grpc = 0,
    Bus = 1,
}
