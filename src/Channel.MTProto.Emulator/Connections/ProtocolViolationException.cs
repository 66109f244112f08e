namespace Channel.MTProto.Emulator.Connections;

/// <summary>A client sent something that forbids continuing on this connection (bad msg_key, impossible lengths).</summary>
internal sealed class ProtocolViolationException(string message) : Exception(message);
