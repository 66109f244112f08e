using Channel.MTProto.Client;
using Channel.MTProto.Session;

namespace Channel.MTProto.Tests.Client;

public sealed class MTProtoSessionStateTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Serialize_FullState_RoundTrips()
    {
        var key = AuthKey.FromBytes(Enumerable.Range(0, 256).Select(i => (byte)i).ToArray());
        var state = new MTProtoSessionState(4) { UserId = 777, LoginState = [1, 2], UpdateState = [], PeerCache = null };
        state.SetAuthKey(4, key, 0x1122, TimeSpan.FromSeconds(-12));
        state.SetFutureSalts(4, [new ServerSalt(5, Now, Now.AddMinutes(30)), new ServerSalt(6, Now.AddMinutes(30), Now.AddMinutes(60))], Now);
        state.SetAuthKey(1, AuthKey.FromBytes(new byte[256]), 9, TimeSpan.Zero);

        var copy = MTProtoSessionState.Deserialize(state.Serialize());

        Assert.Equal(4, copy.MainDcId);
        Assert.Equal(777, copy.UserId);
        Assert.Equal(new byte[] { 1, 2 }, copy.LoginState);
        Assert.Equal(Array.Empty<byte>(), copy.UpdateState);
        Assert.Null(copy.PeerCache);
        Assert.Equal(key, copy.GetAuthKey(4));
        Assert.Equal(TimeSpan.FromSeconds(-12), copy.GetTimeOffset(4));
        Assert.Equal(state.GetSalts(4), copy.GetSalts(4));
        Assert.Equal([1, 4], copy.DcIdsWithKeys);
        Assert.Equal(state.Serialize(), copy.Serialize());
    }

    [Fact]
    public void Setters_AnyChange_RaiseChanged()
    {
        var state = new MTProtoSessionState();
        var changes = 0;
        state.Changed += (_, _) => changes++;

        state.UserId = 1;
        state.MainDcId = 3;
        state.UpdateState = [9];
        state.SetCurrentSalt(3, 77, Now);

        Assert.Equal(4, changes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("02")]
    [InlineData("0102000000")]
    [InlineData("01020000000001000000")]
    [InlineData("010200000000" + "FFFFFF7F")]
    public void Deserialize_Malformed_FormatException(string hex)
    {
        Assert.Throws<FormatException>(() => MTProtoSessionState.Deserialize(Convert.FromHexString(hex)));
    }

    [Fact]
    public void Deserialize_TrailingBytes_FormatException()
    {
        var bytes = new MTProtoSessionState().Serialize().Append((byte)0).ToArray();

        Assert.Throws<FormatException>(() => MTProtoSessionState.Deserialize(bytes));
    }
}
