using Channel.MTProto.Session;

namespace Channel.MTProto.Emulator.Connections;

internal sealed partial class ClientConnection
{
    /// <summary>An unencrypted message: auth_key_id 0 ‖ msg_id ‖ length ‖ body, used only by the key exchange.</summary>
    private async Task<bool> HandlePlainAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        PlainMessage.Read(frame.Span, out var body);
        var reply = _dc.Handshake.Handle(body);
        if (reply.Response is not { } response)
        {
            _dc.Logger.HandshakeFailed(Id, reply.Failure!);
            await SendTransportErrorAsync(-404, cancellationToken);
            _abortReason = "key exchange failed: " + reply.Failure;
            return false;
        }

        if (reply.CreatedKey is { } created)
        {
            _dc.Logger.AuthKeyCreated(_dc.DcId, created.Id);
        }

        var payload = PlainMessage.Encode(_plainIds.Next(MessageIdKind.ServerResponse), response);
        await SendPayloadAsync(payload, cancellationToken);
        return true;
    }
}
