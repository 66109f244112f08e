using Channel.Grpc.V1;

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
        };
}
