using Channel.Grpc.V1;
using Channel.Persistence.Outbound;
using Channel.Service.Accounts;
using Channel.Service.Auth;
using Channel.Service.Outbound;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using SendMessageRequest = Channel.Grpc.V1.SendMessageRequest;

namespace Channel.Service.Grpc;

/// <summary>channel.v1.TelegramMessages: request → use case → reply. Errors are mapped by ExceptionMappingInterceptor.</summary>
internal sealed class TelegramMessagesService(SendMessageUseCase sendMessage, ChatActionsUseCase chatActions, ITenantGuard tenants) : TelegramMessages.TelegramMessagesBase
{
    public override async Task<SendMessageResponse> SendMessage(SendMessageRequest request, ServerCallContext context)
    {
        var sent = await sendMessage.SendAsync(
            new Outbound.SendMessageRequest(
                AccountIds.Parse(request.AccountId), request.Peer.ToOutbound(), request.Text, request.Entities.ToContracts(),
                request.ReplyToMessageId == 0 ? null : request.ReplyToMessageId, request.IdempotencyKey, OutboundOrigin.Grpc, CommandId: null),
            tenants,
            context.CancellationToken);
        return new SendMessageResponse
        {
            TelegramMessageId = sent.TelegramMessageId!.Value,
            SentAt = Timestamp.FromDateTimeOffset(sent.SentAt!.Value),
            ChatKind = sent.ChatKind,
            ChatId = sent.ChatId!.Value,
        };
    }

    public override async Task<EditMessageResponse> EditMessage(EditMessageRequest request, ServerCallContext context)
    {
        await chatActions.EditAsync(AccountIds.Parse(request.AccountId), request.Peer.ToOutbound(), request.MessageId, request.Text, request.Entities.ToContracts(), context.CancellationToken);
        return new EditMessageResponse();
    }

    public override async Task<DeleteMessagesResponse> DeleteMessages(DeleteMessagesRequest request, ServerCallContext context)
    {
        await chatActions.DeleteAsync(AccountIds.Parse(request.AccountId), request.Peer.ToOutbound(), [.. request.MessageIds], context.CancellationToken);
        return new DeleteMessagesResponse();
    }

    public override async Task<MarkReadResponse> MarkRead(MarkReadRequest request, ServerCallContext context)
    {
        await chatActions.MarkReadAsync(AccountIds.Parse(request.AccountId), request.Peer.ToOutbound(), request.UpToMessageId, context.CancellationToken);
        return new MarkReadResponse();
    }

    public override async Task<SetTypingResponse> SetTyping(SetTypingRequest request, ServerCallContext context)
    {
        await chatActions.SetTypingAsync(AccountIds.Parse(request.AccountId), request.Peer.ToOutbound(), context.CancellationToken);
        return new SetTypingResponse();
    }
}
