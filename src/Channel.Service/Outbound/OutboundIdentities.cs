using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Channel.Domain.Accounts;
using Channel.Service.Runtime;

namespace Channel.Service.Outbound;

/// <summary>The ids derived from (account, idempotency key): Telegram's random_id and the outcome events' EventIds.</summary>
internal static class OutboundIdentities
{
    /// <summary>The first 8 bytes of SHA-256("account:key"): the same on every replica and after a restart.</summary>
    public static long RandomId(TelegramAccountId account, string idempotencyKey)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{account}:{idempotencyKey}"), hash);
        return BinaryPrimitives.ReadInt64LittleEndian(hash);
    }

    public static Guid SentEventId(TelegramAccountId account, string idempotencyKey) => EventIds.Create($"out-sent:{account}:{idempotencyKey}");

    public static Guid FailedEventId(TelegramAccountId account, string idempotencyKey) => EventIds.Create($"out-failed:{account}:{idempotencyKey}");

    /// <summary>SHA-256 of the text in hex (recognises our own message when Telegram replays it, without keeping the text).</summary>
    public static string TextHash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
