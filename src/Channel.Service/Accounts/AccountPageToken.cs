using System.Buffers.Binary;
using System.Buffers.Text;
using Channel.Domain.Accounts;

namespace Channel.Service.Accounts;

/// <summary>
/// The opaque ListAccounts cursor: the (created, id) key of the last account returned, bound to the tenant and status
/// filter it was issued for. Encoded as unpadded base64url of a small versioned binary record.
/// </summary>
internal readonly record struct AccountPageToken(long HelpdeskAccountId, int StatusMask, DateTimeOffset CreatedAt, TelegramAccountId LastId)
{
    private const byte Version = 1;
    private const int Size = 1 + 8 + 4 + 8 + 16;

    public static int MaskOf(IReadOnlyCollection<AccountStatus> statuses) =>
        statuses.Aggregate(0, (mask, status) => mask | (1 << (int)status));

    public string Encode()
    {
        Span<byte> buffer = stackalloc byte[Size];
        buffer[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(buffer[1..], HelpdeskAccountId);
        BinaryPrimitives.WriteInt32BigEndian(buffer[9..], StatusMask);
        BinaryPrimitives.WriteInt64BigEndian(buffer[13..], CreatedAt.UtcTicks);
        LastId.Value.TryWriteBytes(buffer[21..], bigEndian: true, out _);
        return Base64Url.EncodeToString(buffer);
    }

    public static bool TryDecode(string text, out AccountPageToken token)
    {
        token = default;
        Span<byte> buffer = stackalloc byte[Size + 3];
        // TryDecodeFromChars throws on characters outside the alphabet: check them first.
        if (text.Length > 64 || !Base64Url.IsValid(text) || !Base64Url.TryDecodeFromChars(text, buffer, out var written) || written != Size || buffer[0] != Version)
        {
            return false;
        }

        var ticks = BinaryPrimitives.ReadInt64BigEndian(buffer[13..]);
        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return false;
        }

        token = new AccountPageToken(
            BinaryPrimitives.ReadInt64BigEndian(buffer[1..]),
            BinaryPrimitives.ReadInt32BigEndian(buffer[9..]),
            new DateTimeOffset(ticks, TimeSpan.Zero),
            new TelegramAccountId(new Guid(buffer.Slice(21, 16), bigEndian: true)));
        return true;
    }
}
