namespace Channel.MTProto.Tests.Crypto;

/// <summary>Test vectors are written as hex strings, exactly as in the reference notes.</summary>
internal static class Hex
{
    public static byte[] Bytes(string hex) => Convert.FromHexString(hex);

    public static string Of(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes);
}
