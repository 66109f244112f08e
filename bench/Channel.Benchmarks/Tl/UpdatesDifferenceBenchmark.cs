using System.Buffers;
using BenchmarkDotNet.Attributes;
using Channel.MTProto.Tl;
using Channel.MTProto.Tl.Api;
using TlUpdates = Channel.MTProto.Tl.Api.Updates;

namespace Channel.Benchmarks.Tl;

/// <summary>
/// TL serialise and parse of an <c>updates.difference</c> the way a catch-up after a short disconnect looks:
/// 50 text messages (some replies, with entities), a few read-history updates, 10 users and 3 channels.
/// </summary>
[MemoryDiagnoser]
public class UpdatesDifferenceBenchmark
{
    private const int MessageCount = 50;
    private readonly ArrayBufferWriter<byte> _output = new(64 * 1024);
    private TlUpdates.Difference _difference = null!;
    private byte[] _bytes = [];

    [GlobalSetup]
    public void Setup()
    {
        _difference = Build();
        _bytes = TlSerializer.ToArray(_difference);
        Console.WriteLine($"// updates.difference serialised size: {_bytes.Length} bytes");
    }

    [Benchmark]
    public int Serialize()
    {
        _output.ResetWrittenCount();
        TlSerializer.Serialize(_difference, _output);
        return _output.WrittenCount;
    }

    [Benchmark]
    public ITlObject Parse() => TlSerializer.Deserialize(_bytes);

    internal static TlUpdates.Difference Build()
    {
        var random = new Random(198);
        var users = Enumerable.Range(0, 10).Select(i => (UserBase)new User
        {
            Contact = i % 2 == 0,
            Id = 1_000_000 + i,
            AccessHash = random.NextInt64(),
            FirstName = "Customer " + i,
            LastName = i % 3 == 0 ? "Иванова" : null,
            Username = "customer_" + i,
            Phone = null,
            Photo = new UserProfilePhoto { PhotoId = random.NextInt64(), DcId = 2, StrippedThumb = new byte[48] },
            Status = i % 2 == 0 ? new UserStatusOnline { Expires = 1_760_000_000 } : new UserStatusRecently(),
            LangCode = "en",
        }).ToArray();
        var chats = Enumerable.Range(0, 3).Select(i => (ChatBase)new Channel.MTProto.Tl.Api.Channel
        {
            Megagroup = true,
            Id = 2_000_000 + i,
            AccessHash = random.NextInt64(),
            Title = "Support group " + i,
            Username = "support_" + i,
            Photo = new ChatPhotoEmpty(),
            Date = 1_700_000_000,
            ParticipantsCount = 1200 + i,
        }).ToArray();
        var messages = Enumerable.Range(0, MessageCount).Select(i => (MessageBase)new Message
        {
            Out = i % 4 == 0,
            Id = 5000 + i,
            FromId = new PeerUser { UserId = 1_000_000 + (i % 10) },
            PeerId = i % 5 == 0 ? new PeerChannel { ChannelId = 2_000_000 + (i % 3) } : new PeerUser { UserId = 1_000_000 + (i % 10) },
            ReplyTo = i % 3 == 0 ? new MessageReplyHeader { ReplyToMsgId = 4990 + i } : null,
            Date = 1_760_000_000 + (i * 17),
            MessageValue = $"Hello, I ordered #{10_000 + i} last week and still have no tracking link, see https://example.org/o/{i} — can you check? @support_{i % 3}",
            Entities = [new MessageEntityUrl { Offset = 72, Length = 27 }, new MessageEntityMention { Offset = 120, Length = 10 }],
            EditDate = i % 7 == 0 ? 1_760_000_100 + i : null,
        }).ToArray();
        var updates = Enumerable.Range(0, 5).Select(i => (UpdateBase)new UpdateReadHistoryInbox
        {
            Peer = new PeerUser { UserId = 1_000_000 + i },
            MaxId = 5000 + (i * 10),
            StillUnreadCount = 0,
            Pts = 300 + i,
            PtsCount = 1,
        }).ToArray();
        return new TlUpdates.Difference
        {
            NewMessages = messages,
            NewEncryptedMessages = [],
            OtherUpdates = updates,
            Chats = chats,
            Users = users,
            State = new TlUpdates.State { Pts = 400, Qts = 0, Date = 1_760_001_000, Seq = 12, UnreadCount = 3 },
        };
    }
}
