using Channel.MTProto.Session;

namespace Channel.MTProto.Tests.Session;

public sealed class SeqNoCounterTests
{
    [Fact]
    public void Next_Sequence_FollowsSpecRule()
    {
        var counter = new SeqNoCounter();

        int[] actual =
        [
            counter.Next(contentRelated: true),
            counter.Next(contentRelated: false),
            counter.Next(contentRelated: true),
            counter.Next(contentRelated: true),
            counter.Next(contentRelated: false),
        ];

        Assert.Equal([1, 2, 3, 5, 6], actual);
        Assert.Equal(3, counter.ContentRelatedCount);
    }

    [Fact]
    public void Reset_AfterMessages_StartsFromZero()
    {
        var counter = new SeqNoCounter();
        counter.Next(contentRelated: true);
        counter.Next(contentRelated: true);

        counter.Reset();

        Assert.Equal(0, counter.Next(contentRelated: false));
        Assert.Equal(1, counter.Next(contentRelated: true));
    }

    [Fact]
    public async Task Next_Concurrent_EveryContentSeqNoUnique()
    {
        var counter = new SeqNoCounter();
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(
            () => Enumerable.Range(0, 1000).Select(_ => counter.Next(contentRelated: true)).ToArray(),
            TestContext.Current.CancellationToken)));

        var all = results.SelectMany(x => x).Order().ToArray();
        Assert.Equal(Enumerable.Range(0, 4000).Select(n => (2 * n) + 1), all);
    }
}
