using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Channel.Domain.Accounts;

namespace Channel.Service.Runtime;

/// <summary>
/// Name-based UUIDs (RFC 9562 version 5, SHA-1) for the events we publish: the same Telegram fact always gets the
/// same EventId, so a replay after a crash or a getDifference that repeats a message carries the id the consumer
/// has already seen, and the outbox's unique MessageId turns it into a no-op.
/// </summary>
internal static class EventIds
{
    /// <summary>Our namespace UUID (random, fixed forever: changing it changes every EventId).</summary>
    private static readonly Guid Namespace = new("4d0f7c62-8a55-4b0e-9d8e-3f0b1a7c2e91");

    /// <summary>A new message: account, chat and Telegram message id (the definition).</summary>
    public static Guid ForMessage(TelegramAccountId account, string chatKind, long chatId, int messageId) =>
        Create($"msg:{account}:{chatKind}:{chatId}:{messageId}");

    /// <summary>An edit: one per edit date, so two edits of one message are two events.</summary>
    public static Guid ForEdit(TelegramAccountId account, string chatKind, long chatId, int messageId, long editDate) =>
        Create($"edit:{account}:{chatKind}:{chatId}:{messageId}:{editDate}");

    public static Guid ForDeletion(TelegramAccountId account, long? channelId, IEnumerable<int> messageIds) =>
        Create($"del:{account}:{channelId}:{string.Join(',', messageIds)}");

    public static Guid ForRead(TelegramAccountId account, string chatKind, long chatId, int maxId) =>
        Create($"read:{account}:{chatKind}:{chatId}:{maxId}");

    public static Guid Create(string name) => Create(Namespace, name);

    /// <summary>RFC 9562 §5.5: SHA-1 over namespace ‖ name, then the version and variant bits.</summary>
    internal static Guid Create(Guid namespaceId, string name)
    {
        var maxLength = 16 + Encoding.UTF8.GetMaxByteCount(name.Length);

        // Deletions can name thousands of ids: only short names go on the stack.
        Span<byte> input = maxLength <= 1024 ? stackalloc byte[maxLength] : new byte[maxLength];
        namespaceId.TryWriteBytes(input, bigEndian: true, out _);
        var length = 16 + Encoding.UTF8.GetBytes(name, input[16..]);
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(input[..length], hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }

    /// <summary>For tests: the version nibble of a UUID as RFC 9562 numbers it.</summary>
    internal static int VersionOf(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        return BinaryPrimitives.ReadUInt16BigEndian(bytes[6..]) >> 12;
    }
}
