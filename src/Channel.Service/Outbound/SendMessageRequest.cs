using Channel.Domain.Accounts;
using Channel.Persistence.Outbound;

namespace Channel.Service.Outbound;

/// <summary>One reply to send, from gRPC or the bus (already parsed; <see cref="SendMessageUseCase"/> validates it).</summary>
internal sealed record SendMessageRequest(
    TelegramAccountId AccountId,
    OutboundPeer? Peer,
    string? Text,
    IReadOnlyList<Contracts.MessageEntity> Entities,
    int? ReplyToMessageId,
    string IdempotencyKey,
    OutboundOrigin Origin,
    Guid? CommandId,
    OutboundMedia? Media = null);
