using System.Diagnostics.CodeAnalysis;

namespace Channel.MTProto.Session;

/// <summary>Throw sites kept out of the codecs so their hot paths stay small enough to inline.</summary>
internal static class SessionThrowHelper
{
    [DoesNotReturn]
    public static void ThrowDecode(MessageDecodeError error) => throw new MessageDecodeException(error);
}
