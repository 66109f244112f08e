using Channel.Grpc.V1;
using Channel.Persistence.Outbound;
using Channel.Service.Accounts;
using Channel.Service.Auth;
using Channel.Service.Errors;
using Channel.Service.Media;
using Channel.Service.Outbound;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using SendMessageRequest = Channel.Grpc.V1.SendMessageRequest;

namespace Channel.Service.Grpc;

/// <summary>channel.v1.TelegramMessages: request → use case → reply. Errors are mapped by ExceptionMappingInterceptor.</summary>
internal sealed class TelegramMessagesService(
    SendMessageUseCase sendMessage, ChatActionsUseCase chatActions, UploadMediaUseCase uploadMedia, DownloadMediaUseCase downloadMedia, ITenantGuard tenants)
    : TelegramMessages.TelegramMessagesBase
{
    public override async Task<SendMessageResponse> SendMessage(SendMessageRequest request, ServerCallContext context)
    {
        var sent = await sendMessage.SendAsync(
            new Outbound.SendMessageRequest(
                AccountIds.Parse(request.AccountId), request.Peer.ToOutbound(), request.Text, request.Entities.ToContracts(),
                request.ReplyToMessageId == 0 ? null : request.ReplyToMessageId, request.IdempotencyKey, OutboundOrigin.Grpc, CommandId: null,
                request.Media is { } media ? new OutboundMedia(media.UploadId, media.Kind) : null),
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

    public override async Task DownloadMedia(DownloadMediaRequest request, IServerStreamWriter<DownloadMediaResponse> responseStream, ServerCallContext context)
    {
        var download = await downloadMedia.OpenAsync(AccountIds.Parse(request.AccountId), request.MediaId, request.Offset, tenants, context.CancellationToken);
        await responseStream.WriteAsync(new DownloadMediaResponse { Info = download.ToInfo() }, context.CancellationToken);
        await foreach (var chunk in download.Content.WithCancellation(context.CancellationToken))
        {
            await responseStream.WriteAsync(new DownloadMediaResponse { Data = ByteString.CopyFrom(chunk.Span) }, context.CancellationToken);
        }
    }

    public override async Task<UploadMediaResponse> UploadMedia(IAsyncStreamReader<UploadMediaRequest> requestStream, ServerCallContext context)
    {
        var info = await requestStream.MoveNext(context.CancellationToken) && requestStream.Current.PartCase == UploadMediaRequest.PartOneofCase.Info
            ? requestStream.Current.Info
            : throw new RequestValidationException([new FieldViolation("info", "the first message of the stream must carry info (account_id, file_name, mime_type, size).")]);
        var upload = await uploadMedia.StoreAsync(
            new MediaUploadRequest(AccountIds.Parse(info.AccountId), info.FileName, info.MimeType, info.Size), requestStream.DataParts(), tenants, context.CancellationToken);
        return new UploadMediaResponse { UploadId = upload.Id.ToString(), Size = upload.Size, Sha256 = upload.Sha256 };
    }
}
