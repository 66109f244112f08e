namespace Channel.MTProto.Emulator.Transport;

/// <summary>A client broke the transport framing (bad length, CRC, sequence or header). Closes that connection only.</summary>
internal sealed class TransportProtocolException(string message) : Exception(message);
