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
