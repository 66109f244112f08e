using System.Buffers.Binary;

namespace Channel.MTProto.Emulator.Connections;

internal sealed partial class ClientConnection
{
    /// <summary>An unencrypted message: auth_key_id 0 ‖ msg_id ‖ length ‖ body, used only by the key exchange.</summary>
    private async Task<bool> HandlePlainAsync(byte[] frame, CancellationToken cancellationToken)
    {
        if (frame.Length < 20)
        {
            throw new ProtocolViolationException($"Unencrypted message of {frame.Length} bytes is shorter than its header.");
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(frame.AsSpan(16));
        if (length < 4 || length > frame.Length - 20)
        {
            throw new ProtocolViolationException($"Unencrypted message claims {length} body bytes, {frame.Length - 20} present.");
        }

        var reply = _dc.Handshake.Handle(frame.AsSpan(20, length));
        if (reply.Response is not { } response)
        {
            _dc.Logger.HandshakeFailed(Id, reply.Failure!);
            await SendTransportErrorAsync(-404, cancellationToken);
            _abortReason = "key exchange failed: " + reply.Failure;
            return false;
        }

        var payload = new byte[20 + response.Length];
        BinaryPrimitives.WriteInt64LittleEndian(payload.AsSpan(8), _plainIds.Next(isResponse: true));
        BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(16), response.Length);
        response.CopyTo(payload, 20);
        await SendPayloadAsync(payload, cancellationToken);
        return true;
    }
}
