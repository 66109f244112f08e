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

    [Fact]
    public void Check_RingGrowsAsIdsArrive_EveryRememberedIdStaysADuplicate_AndItWrapsAtCapacity()
    {
        // The ring starts small and doubles up to the capacity: no id may be lost on the way.
        var window = new ReceivedMessageWindow();
        var baseId = MessageIdGenerator.FromTime(Now, MessageIdKind.ServerResponse);
        var ids = Enumerable.Range(1, ReceivedMessageWindow.DefaultCapacity).Select(i => baseId + (4L * i)).ToList();
        foreach (var id in ids)
        {
            Assert.Equal(ReceivedMessageCheck.Accepted, window.Check(id, Now));
        }

        Assert.All(ids, id => Assert.Equal(ReceivedMessageCheck.Duplicate, window.Check(id, Now)));

        // Full: the next id replaces the oldest, which then counts as older than everything remembered.
        Assert.Equal(ReceivedMessageCheck.Accepted, window.Check(ids[^1] + 4, Now));
        Assert.Equal(ReceivedMessageCheck.Duplicate, window.Check(ids[0], Now));
        Assert.Equal(ReceivedMessageCheck.Duplicate, window.Check(ids[1], Now));
        Assert.Equal(ReceivedMessageCheck.Accepted, window.Check(ids[1] + 2, Now));
    }
}
