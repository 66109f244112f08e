using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Immutable;

namespace Channel.MTProto.UpdateHandling;

/// <summary>
/// Where an account stands in Telegram's update sequences: the common box (pts, qts, date, seq) and one pts per
/// channel. Immutable, so a delivered batch can carry the state that becomes durable once the host acknowledges it.
/// </summary>
/// <remarks>Access hashes of channels are not kept here: the peer cache owns them.</remarks>
public sealed record UpdateState(int Pts, int Qts, int Date, int Seq, ImmutableDictionary<long, int> ChannelPts)
{
    /// <summary>
    /// Version 3 adds <see cref="ChannelMaxMessageIds"/>; version 2 added <see cref="MaxMessageId"/>. Versions 1 and 2
    /// are still read (with 0 / none there).
    /// </summary>
    public const byte FormatVersion = 3;

    private const byte Version1 = 1;
    private const byte Version2 = 2;

    /// <summary>A stored state listing more channels than this is refused (a corrupt length must not allocate).</summary>
    public const int MaxChannels = 100_000;

    private const int Version1HeaderLength = 1 + (4 * 4) + 4;
    private const int HeaderLength = Version1HeaderLength + 4;
    private const int Version2ChannelEntryLength = 8 + 4;
    private const int ChannelEntryLength = 8 + 4 + 4;

    public UpdateState(int pts, int qts, int date, int seq)
        : this(pts, qts, date, seq, ImmutableDictionary<long, int>.Empty)
    {
    }

    /// <summary>
    /// The highest message id of the common box (private chats and basic groups, whose ids are per account and
    /// increasing) handed out so far; 0 when unknown. After differenceTooLong the engine refetches every dialog's
    /// history above it (messages.getDialogs / getHistory with min_id), so nothing between is lost.
    /// </summary>
    public int MaxMessageId { get; init; }

    /// <summary>
    /// Per followed channel: the highest message id handed out so far (channel ids are per channel and increasing).
    /// After channelDifferenceTooLong the engine refetches that channel's history above it (messages.getHistory with
    /// min_id), so nothing between is lost. A channel missing here has delivered nothing yet (or an older state).
    /// </summary>
    public ImmutableDictionary<long, int> ChannelMaxMessageIds { get; init; } = ImmutableDictionary<long, int>.Empty;

    /// <summary>
    /// Version 3 layout, little-endian: version (1) ‖ pts (4) ‖ qts (4) ‖ date (4) ‖ seq (4) ‖ channel count (4) ‖
    /// max common message id (4) ‖ per channel, ordered by id: channel id (8) ‖ pts (4) ‖ max message id (4).
    /// Version 2 lacks the channels' max message ids; version 1 also the common one.
    /// </summary>
    public byte[] Serialize()
    {
        var output = new ArrayBufferWriter<byte>(HeaderLength + (ChannelPts.Count * ChannelEntryLength));
        var header = output.GetSpan(HeaderLength);
        header[0] = FormatVersion;
        BinaryPrimitives.WriteInt32LittleEndian(header[1..], Pts);
        BinaryPrimitives.WriteInt32LittleEndian(header[5..], Qts);
        BinaryPrimitives.WriteInt32LittleEndian(header[9..], Date);
        BinaryPrimitives.WriteInt32LittleEndian(header[13..], Seq);
        BinaryPrimitives.WriteInt32LittleEndian(header[17..], ChannelPts.Count);
        BinaryPrimitives.WriteInt32LittleEndian(header[21..], MaxMessageId);
        output.Advance(HeaderLength);
        foreach (var (channelId, pts) in ChannelPts.OrderBy(p => p.Key))
        {
            var entry = output.GetSpan(ChannelEntryLength);
            BinaryPrimitives.WriteInt64LittleEndian(entry, channelId);
            BinaryPrimitives.WriteInt32LittleEndian(entry[8..], pts);
            BinaryPrimitives.WriteInt32LittleEndian(entry[12..], ChannelMaxMessageIds.GetValueOrDefault(channelId));
            output.Advance(ChannelEntryLength);
        }

        return output.WrittenSpan.ToArray();
    }

    /// <exception cref="FormatException">Not an update state this version can read.</exception>
    public static UpdateState Deserialize(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            throw new FormatException("The update state is truncated.");
        }

        var (headerLength, entryLength) = data[0] switch
        {
            FormatVersion => (HeaderLength, ChannelEntryLength),
            Version2 => (HeaderLength, Version2ChannelEntryLength),
            Version1 => (Version1HeaderLength, Version2ChannelEntryLength),
            _ => throw new FormatException($"Unsupported update state version {data[0]}."),
        };
        if (data.Length < headerLength)
        {
            throw new FormatException("The update state is truncated.");
        }

        var count = BinaryPrimitives.ReadInt32LittleEndian(data[17..]);
        if (count is < 0 or > MaxChannels || data.Length != headerLength + (count * entryLength))
        {
            throw new FormatException("The update state's channel count does not match its length.");
        }

        var maxMessageId = data[0] != Version1 ? BinaryPrimitives.ReadInt32LittleEndian(data[21..]) : 0;
        if (maxMessageId < 0)
        {
            throw new FormatException("The update state's message id is negative.");
        }

        var channels = ImmutableDictionary.CreateBuilder<long, int>();
        var channelMaxIds = ImmutableDictionary.CreateBuilder<long, int>();
        for (var offset = headerLength; offset < data.Length; offset += entryLength)
        {
            var channelId = BinaryPrimitives.ReadInt64LittleEndian(data[offset..]);
            channels[channelId] = BinaryPrimitives.ReadInt32LittleEndian(data[(offset + 8)..]);
            if (entryLength == ChannelEntryLength && BinaryPrimitives.ReadInt32LittleEndian(data[(offset + 12)..]) is var channelMaxId and not 0)
            {
                channelMaxIds[channelId] = channelMaxId >= 0 ? channelMaxId : throw new FormatException("The update state's channel message id is negative.");
            }
        }

        return new UpdateState(
            BinaryPrimitives.ReadInt32LittleEndian(data[1..]),
            BinaryPrimitives.ReadInt32LittleEndian(data[5..]),
            BinaryPrimitives.ReadInt32LittleEndian(data[9..]),
            BinaryPrimitives.ReadInt32LittleEndian(data[13..]),
            channels.ToImmutable())
        {
            MaxMessageId = maxMessageId,
            ChannelMaxMessageIds = channelMaxIds.ToImmutable(),
        };
    }

    /// <summary>The stored pts of a channel, if this account has followed it.</summary>
    public int? GetChannelPts(long channelId) => ChannelPts.TryGetValue(channelId, out var pts) ? pts : null;

    /// <summary>The highest message id of a channel handed out so far; 0 when none is known.</summary>
    public int GetChannelMaxMessageId(long channelId) => ChannelMaxMessageIds.GetValueOrDefault(channelId);

    public bool Equals(UpdateState? other) =>
        other is not null && Pts == other.Pts && Qts == other.Qts && Date == other.Date && Seq == other.Seq && MaxMessageId == other.MaxMessageId &&
        ChannelPts.Count == other.ChannelPts.Count &&
        ChannelPts.All(p => other.ChannelPts.TryGetValue(p.Key, out var pts) && pts == p.Value) &&
        ChannelMaxMessageIds.Count == other.ChannelMaxMessageIds.Count &&
        ChannelMaxMessageIds.All(p => other.ChannelMaxMessageIds.TryGetValue(p.Key, out var id) && id == p.Value);

    public override int GetHashCode() => HashCode.Combine(Pts, Qts, Date, Seq, ChannelPts.Count);

    public override string ToString() => $"pts={Pts} qts={Qts} date={Date} seq={Seq} max_id={MaxMessageId} channels={ChannelPts.Count}";
}
