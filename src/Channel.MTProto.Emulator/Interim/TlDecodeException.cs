namespace Channel.MTProto.Emulator.Interim;

/// <summary>Bytes from the network that are not valid TL (truncated, lengths beyond the input, unknown ids).</summary>
internal sealed class TlDecodeException(string message) : Exception(message);
