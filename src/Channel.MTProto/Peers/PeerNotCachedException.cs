namespace Channel.MTProto.Peers;

/// <summary>
/// A user or channel was addressed whose access hash this account has not seen yet; sending anyway would be
/// PEER_ID_INVALID. Resolve it first (by username or phone), or wait until an update or response mentions it.
/// </summary>
public sealed class PeerNotCachedException : Exception
{
    public PeerNotCachedException()
        : base("The peer is not in the peer cache.")
    {
    }

    public PeerNotCachedException(string message)
        : base(message)
    {
    }

    public PeerNotCachedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public PeerNotCachedException(PeerId peer)
        : base($"No access hash is cached for {peer}; resolve it first.")
    {
        Peer = peer;
    }

    public PeerId? Peer { get; }
}
