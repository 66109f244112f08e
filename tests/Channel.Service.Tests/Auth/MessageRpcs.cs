using Channel.Grpc.V1;
using Google.Protobuf;
using Grpc.Core;

namespace Channel.Service.Tests.Auth;

/// <summary>Every RPC of channel.v1.TelegramMessages, each as one well-formed call on an account id.</summary>
internal static class MessageRpcs
{
    private static readonly Peer Customer = new() { UserId = 777_000_001 };

    public static readonly IReadOnlyDictionary<string, Func<TelegramMessages.TelegramMessagesClient, string, CancellationToken, Task>> OnAccount =
        new Dictionary<string, Func<TelegramMessages.TelegramMessagesClient, string, CancellationToken, Task>>
        {
            ["SendMessage"] = (c, id, ct) => c.SendMessageAsync(new SendMessageRequest { AccountId = id, Peer = Customer, Text = "hello", IdempotencyKey = "tenant-check" }, cancellationToken: ct).ResponseAsync,
            ["EditMessage"] = (c, id, ct) => c.EditMessageAsync(new EditMessageRequest { AccountId = id, Peer = Customer, MessageId = 1, Text = "edited" }, cancellationToken: ct).ResponseAsync,
            ["DeleteMessages"] = (c, id, ct) => c.DeleteMessagesAsync(new DeleteMessagesRequest { AccountId = id, Peer = Customer, MessageIds = { 1 } }, cancellationToken: ct).ResponseAsync,
            ["MarkRead"] = (c, id, ct) => c.MarkReadAsync(new MarkReadRequest { AccountId = id, Peer = Customer, UpToMessageId = 1 }, cancellationToken: ct).ResponseAsync,
            ["SetTyping"] = (c, id, ct) => c.SetTypingAsync(new SetTypingRequest { AccountId = id, Peer = Customer }, cancellationToken: ct).ResponseAsync,
            ["DownloadMedia"] = DownloadAsync,
            ["UploadMedia"] = UploadAsync,
        };

    private static async Task DownloadAsync(TelegramMessages.TelegramMessagesClient client, string accountId, CancellationToken cancellationToken)
    {
        using var call = client.DownloadMedia(new DownloadMediaRequest { AccountId = accountId, MediaId = $"user:{Customer.UserId}:1" }, cancellationToken: cancellationToken);
        await call.ResponseStream.MoveNext(cancellationToken);
    }

    private static async Task UploadAsync(TelegramMessages.TelegramMessagesClient client, string accountId, CancellationToken cancellationToken)
    {
        using var call = client.UploadMedia(cancellationToken: cancellationToken);
        try
        {
            await call.RequestStream.WriteAsync(new UploadMediaRequest { Info = new UploadInfo { AccountId = accountId, FileName = "a.txt", MimeType = "text/plain", Size = 1 } }, cancellationToken);
            await call.RequestStream.WriteAsync(new UploadMediaRequest { Data = ByteString.CopyFrom(1) }, cancellationToken);
            await call.RequestStream.CompleteAsync();
        }
        catch (RpcException)
        {
            // The server answered before the stream was written: its status is the call's, awaited below.
        }

        await call.ResponseAsync;
    }
}
