using System.Collections.Immutable;
using Channel.MTProto.UpdateHandling;

namespace Channel.MTProto.Tests.UpdateHandling;

public sealed class UpdateStateTests
{
    [Fact]
    public void Serialize_RoundTrip_KeepsEveryField()
    {
        var state = new UpdateState(10, 3, 1_700_000_000, 7, ImmutableDictionary<long, int>.Empty.Add(5, 40).Add(1_000_000_000_001, 2));

        var copy = UpdateState.Deserialize(state.Serialize());

        Assert.Equal(state, copy);
        Assert.Equal(40, copy.GetChannelPts(5));
        Assert.Equal(2, copy.GetChannelPts(1_000_000_000_001));
    }

    [Fact]
    public void Serialize_Version3_KeepsChannelMaxMessageIds()
    {
        var state = new UpdateState(10, 3, 1, 7, ImmutableDictionary<long, int>.Empty.Add(5, 40).Add(6, 2))
        {
            MaxMessageId = 9,
            ChannelMaxMessageIds = ImmutableDictionary<long, int>.Empty.Add(5, 123),
        };

        var bytes = state.Serialize();
        var copy = UpdateState.Deserialize(bytes);

        Assert.Equal(3, bytes[0]);
        Assert.Equal(state, copy);
        Assert.Equal(123, copy.GetChannelMaxMessageId(5));
        Assert.Equal(0, copy.GetChannelMaxMessageId(6));
        Assert.NotEqual(state, state with { ChannelMaxMessageIds = ImmutableDictionary<long, int>.Empty.Add(5, 124) });
    }

    [Fact]
    public void Deserialize_Versions1And2_StillRead()
    {
        // Version 2: header with the common max id, 12-byte channel entries; version 1: no max id.
        byte[] version2 = [2, 10, 0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0, 7, 0, 0, 0, 1, 0, 0, 0, 9, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 40, 0, 0, 0];
        byte[] version1 = [1, 10, 0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0, 7, 0, 0, 0, 1, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 40, 0, 0, 0];

        var fromV2 = UpdateState.Deserialize(version2);
        var fromV1 = UpdateState.Deserialize(version1);

        Assert.Equal((10, 3, 1, 7, 9, 40, 0), (fromV2.Pts, fromV2.Qts, fromV2.Date, fromV2.Seq, fromV2.MaxMessageId, fromV2.GetChannelPts(5)!.Value, fromV2.GetChannelMaxMessageId(5)));
        Assert.Equal((10, 0, 40), (fromV1.Pts, fromV1.MaxMessageId, fromV1.GetChannelPts(5)!.Value));
        Assert.Throws<FormatException>(() => UpdateState.Deserialize(version2.AsSpan(0, version2.Length - 4)));
    }

    [Fact]
    public void Deserialize_Truncated_Throws()
    {
        var bytes = new UpdateState(10, 3, 1, 7, ImmutableDictionary<long, int>.Empty.Add(5, 40)).Serialize();

        Assert.Throws<FormatException>(() => UpdateState.Deserialize(bytes.AsSpan(0, bytes.Length - 1)));
        Assert.Throws<FormatException>(() => UpdateState.Deserialize(bytes.AsSpan(0, 5)));
    }

    [Fact]
    public void Deserialize_HostileCountOrVersion_Throws()
    {
        var bytes = new UpdateState(10, 3, 1, 7).Serialize();
        var hugeCount = (byte[])bytes.Clone();
        hugeCount[17] = 0xFF;
        hugeCount[20] = 0x7F;
        var badVersion = (byte[])bytes.Clone();
        badVersion[0] = 99;

        Assert.Throws<FormatException>(() => UpdateState.Deserialize(hugeCount));
        Assert.Throws<FormatException>(() => UpdateState.Deserialize(badVersion));
    }
}
