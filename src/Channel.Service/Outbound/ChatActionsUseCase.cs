using Channel.Domain.Accounts;
using Channel.MTProto.Accounts;
using Channel.MTProto.Peers;
using Channel.Service.Auth;
using Channel.Service.Errors;
using Channel.Service.Runtime;

namespace Channel.Service.Outbound;

/// <summary>
/// Edit, delete, mark read and typing on the account's live connection. Not idempotency-keyed: each is naturally
/// repeatable (an edit to the same text answers MESSAGE_NOT_MODIFIED, a second delete finds nothing). Edits and
/// deletions go through the account's lane, so they stay in order with its sends.
/// </summary>
/// <remarks>Scoped: <paramref name="tenants"/> is the gRPC caller's; another tenant's account is NOT_FOUND.</remarks>
internal sealed class ChatActionsUseCase(LiveAccountConnections connections, AccountSendLanes lanes, ITenantGuard tenants)
{
    public Task EditAsync(TelegramAccountId account, OutboundPeer? peer, int messageId, string? text, IReadOnlyList<Contracts.MessageEntity> entities, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        OutboundRequestValidator.ValidatePeer(peer, violations);
        OutboundRequestValidator.ValidateText(text, entities, violations);
        MessageId(messageId, "message_id", violations);
        RequestValidationException.ThrowIfAny(violations);
        return RunAsync(account, peer!.Value, inLane: true, async (connection, target, ct) =>
        {
            var maxLength = await connection.GetMessageLengthMaxAsync(ct);
            if (text!.Length > maxLength)
            {
                throw SendMessageUseCase.FailureOf(OutboundReasons.MessageTooLong);
            }

            await connection.EditTextAsync(target, messageId, text, [.. entities.Select(MessageEntities.ToTl).OfType<MTProto.Tl.Api.MessageEntityBase>()], ct);
        }, cancellationToken);
    }

    public Task DeleteAsync(TelegramAccountId account, OutboundPeer? peer, IReadOnlyList<int> messageIds, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        OutboundRequestValidator.ValidatePeer(peer, violations);
        if (messageIds.Count is 0 or > 100)
        {
            violations.Add(new FieldViolation("message_ids", "expected 1 to 100 message ids."));
        }
        else if (messageIds.Any(id => id <= 0))
        {
            violations.Add(new FieldViolation("message_ids", "must be message ids (positive)."));
        }

        RequestValidationException.ThrowIfAny(violations);
        return RunAsync(account, peer!.Value, inLane: true, (connection, target, ct) => connection.DeleteMessagesAsync(target, messageIds, ct), cancellationToken);
    }

    public Task MarkReadAsync(TelegramAccountId account, OutboundPeer? peer, int upToMessageId, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        OutboundRequestValidator.ValidatePeer(peer, violations);
        if (upToMessageId < 0)
        {
            violations.Add(new FieldViolation("up_to_message_id", "must be a message id, or 0 for everything."));
        }

        RequestValidationException.ThrowIfAny(violations);
        return RunAsync(account, peer!.Value, inLane: false, (connection, target, ct) => connection.MarkReadAsync(target, upToMessageId, ct), cancellationToken);
    }

    public Task SetTypingAsync(TelegramAccountId account, OutboundPeer? peer, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        OutboundRequestValidator.ValidatePeer(peer, violations);
        RequestValidationException.ThrowIfAny(violations);
        return RunAsync(account, peer!.Value, inLane: false, (connection, target, ct) => connection.SetTypingAsync(target, ct), cancellationToken);
    }

    private static void MessageId(int id, string field, List<FieldViolation> violations)
    {
        if (id <= 0)
        {
            violations.Add(new FieldViolation(field, "must be a message id (positive)."));
        }
    }

    private async Task RunAsync(TelegramAccountId account, OutboundPeer peer, bool inLane, Func<IAccountConnection, PeerId, CancellationToken, Task> action, CancellationToken cancellationToken)
    {
        var connection = await connections.GetAsync(account, tenants, cancellationToken);
        using var lane = inLane ? await lanes.EnterAsync(account, cancellationToken) : null;
        try
        {
            var target = await PeerResolver.ResolveAsync(connection, peer, cancellationToken);
            await action(connection, target, cancellationToken);
        }
        catch (Exception exception) when (LiveAccountConnections.Translate(exception) is { } failure)
        {
            throw failure;
        }
    }
}
