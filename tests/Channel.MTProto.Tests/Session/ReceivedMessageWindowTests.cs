using Channel.MTProto.Session;

namespace Channel.MTProto.Tests.Session;

public sealed class ReceivedMessageWindowTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Check_NewId_AcceptedThenDuplicate()
    {
        var window = new ReceivedMessageWindow();
        var id = MessageIdGenerator.FromTime(Now, MessageIdKind.ServerResponse);

        Assert.Equal(ReceivedMessageCheck.Accepted, window.Check(id, Now));
        Assert.Equal(ReceivedMessageCheck.Duplicate, window.Check(id, Now));
    }

    [Fact]
    public void Check_OutsideTimeWindow_TooOldOrTooNew()
    {
        var window = new ReceivedMessageWindow();

        Assert.Equal(ReceivedMessageCheck.TooOld, window.Check(MessageIdGenerator.FromTime(Now.AddSeconds(-301), MessageIdKind.ServerResponse), Now));
        Assert.Equal(ReceivedMessageCheck.TooNew, window.Check(MessageIdGenerator.FromTime(Now.AddSeconds(31), MessageIdKind.ServerResponse), Now));
        Assert.Equal(ReceivedMessageCheck.Accepted, window.Check(MessageIdGenerator.FromTime(Now.AddSeconds(-299), MessageIdKind.ServerResponse), Now));
        Assert.Equal(ReceivedMessageCheck.Accepted, window.Check(MessageIdGenerator.FromTime(Now.AddSeconds(29), MessageIdKind.ServerResponse), Now));
    }

    [Fact]
    public void Check_RingFull_OlderThanAllRememberedIsDuplicate()
    {
        var window = new ReceivedMessageWindow(capacity: 4);
        var baseId = MessageIdGenerator.FromTime(Now, MessageIdKind.ServerResponse);
        for (var i = 1; i <= 4; i++)
        {
            Assert.Equal(ReceivedMessageCheck.Accepted, window.Check(baseId + (4 * i), Now));
        }

        Assert.Equal(ReceivedMessageCheck.Duplicate, window.Check(baseId, Now));
        Assert.Equal(ReceivedMessageCheck.Accepted, window.Check(baseId + 40, Now));
    }
}
