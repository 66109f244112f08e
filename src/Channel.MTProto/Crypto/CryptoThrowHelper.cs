using System.Diagnostics.CodeAnalysis;

namespace Channel.MTProto.Crypto;

/// <summary>Throw sites kept out of the hot methods so the JIT can inline those.</summary>
internal static class CryptoThrowHelper
{
    [DoesNotReturn]
    public static void ThrowSecurity(string message) => throw new MTProtoSecurityException(message);

    [DoesNotReturn]
    public static void ThrowArgument(string message, string paramName) => throw new ArgumentException(message, paramName);
}
