namespace Channel.MTProto.Crypto;

/// <summary>
/// A peer sent cryptographic material that fails a check the protocol requires (bad DH prime, out-of-range g_a,
/// wrong hash, undecryptable RSA block). The connection must be dropped; messages never carry secret values.
/// </summary>
internal sealed class MTProtoSecurityException : Exception
{
    public MTProtoSecurityException()
    {
    }

    public MTProtoSecurityException(string message)
        : base(message)
    {
    }

    public MTProtoSecurityException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
