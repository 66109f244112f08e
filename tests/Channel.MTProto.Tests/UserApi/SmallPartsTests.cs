using Channel.MTProto.Client;
using Channel.MTProto.Login;

namespace Channel.MTProto.Tests.UserApi;

public sealed class SmallPartsTests
{
    [Theory]
    [InlineData(0, 5, 0, false)]   // default threshold: never sleep
    [InlineData(10, 5, 0, true)]
    [InlineData(10, 10, 0, true)]
    [InlineData(10, 11, 0, false)]
    [InlineData(10, 5, 1, false)]  // MaxRetries 1: the second wait is raised
    public void FloodWaitPolicy_ShouldRetry_OnlyBelowThresholdAndWithinRetries(int thresholdSeconds, int waitSeconds, int retriesSoFar, bool expected)
    {
        var policy = new FloodWaitPolicy { Threshold = TimeSpan.FromSeconds(thresholdSeconds) };

        Assert.Equal(expected, policy.ShouldRetry(TimeSpan.FromSeconds(waitSeconds), retriesSoFar));
    }

    [Fact]
    public void LoginState_RoundTrip_SameValues()
    {
        var state = new LoginState("9996621001", "hash-abc", CodeType.App, 4, PasswordPending: true);

        Assert.Equal(state, LoginState.Deserialize(state.Serialize()));
    }

    [Fact]
    public void LoginState_Malformed_FormatException()
    {
        var bytes = new LoginState("1", "h", CodeType.Sms, 2, false).Serialize();

        Assert.Throws<FormatException>(() => LoginState.Deserialize(bytes.AsSpan(0, bytes.Length - 1)));
        Assert.Throws<FormatException>(() => LoginState.Deserialize([9, 0, 0, 0]));
    }
}
