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
    /// <summary>Version 2 adds <see cref="MaxMessageId"/>; version 1 is still read (with 0 there).</summary>
    public const byte FormatVersion = 2;

    private const byte Version1 = 1;

    /// <summary>A stored state listing more channels than this is refused (a corrupt length must not allocate).</summary>
    public const int MaxChannels = 100_000;

    private const int Version1HeaderLength = 1 + (4 * 4) + 4;
    private const int HeaderLength = Version1HeaderLength + 4;
    private const int ChannelEntryLength = 8 + 4;

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
    /// Version 2 layout, little-endian: version (1) ‖ pts (4) ‖ qts (4) ‖ date (4) ‖ seq (4) ‖ channel count (4) ‖
    /// max common message id (4) ‖ per channel, ordered by id: channel id (8) ‖ pts (4). Version 1 lacks the max id.
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

        var headerLength = data[0] switch
        {
            FormatVersion => HeaderLength,
            Version1 => Version1HeaderLength,
            _ => throw new FormatException($"Unsupported update state version {data[0]}."),
        };
        if (data.Length < headerLength)
        {
            throw new FormatException("The update state is truncated.");
        }

        var count = BinaryPrimitives.ReadInt32LittleEndian(data[17..]);
        if (count is < 0 or > MaxChannels || data.Length != headerLength + (count * ChannelEntryLength))
        {
            throw new FormatException("The update state's channel count does not match its length.");
        }

        var maxMessageId = data[0] == FormatVersion ? BinaryPrimitives.ReadInt32LittleEndian(data[21..]) : 0;
        if (maxMessageId < 0)
        {
            throw new FormatException("The update state's message id is negative.");
        }

        var channels = ImmutableDictionary.CreateBuilder<long, int>();
        for (var offset = headerLength; offset < data.Length; offset += ChannelEntryLength)
        {
            channels[BinaryPrimitives.ReadInt64LittleEndian(data[offset..])] = BinaryPrimitives.ReadInt32LittleEndian(data[(offset + 8)..]);
        }

        return new UpdateState(
            BinaryPrimitives.ReadInt32LittleEndian(data[1..]),
            BinaryPrimitives.ReadInt32LittleEndian(data[5..]),
            BinaryPrimitives.ReadInt32LittleEndian(data[9..]),
            BinaryPrimitives.ReadInt32LittleEndian(data[13..]),
            channels.ToImmutable())
        {
            MaxMessageId = maxMessageId,
        };
    }

    /// <summary>The stored pts of a channel, if this account has followed it.</summary>
    public int? GetChannelPts(long channelId) => ChannelPts.TryGetValue(channelId, out var pts) ? pts : null;

    public bool Equals(UpdateState? other) =>
        other is not null && Pts == other.Pts && Qts == other.Qts && Date == other.Date && Seq == other.Seq && MaxMessageId == other.MaxMessageId &&
        ChannelPts.Count == other.ChannelPts.Count &&
        ChannelPts.All(p => other.ChannelPts.TryGetValue(p.Key, out var pts) && pts == p.Value);

    public override int GetHashCode() => HashCode.Combine(Pts, Qts, Date, Seq, ChannelPts.Count);

    public override string ToString() => $"pts={Pts} qts={Qts} date={Date} seq={Seq} max_id={MaxMessageId} channels={ChannelPts.Count}";
}
