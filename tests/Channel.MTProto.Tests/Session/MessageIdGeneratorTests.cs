using Channel.MTProto.Session;
using Microsoft.Extensions.Time.Testing;

namespace Channel.MTProto.Tests.Session;

public sealed class MessageIdGeneratorTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 12, 0, 0, 250, TimeSpan.Zero);

    [Fact]
    public void NextClientId_SameInstant_StrictlyIncreasingAndDivisibleByFour()
    {
        var generator = new MessageIdGenerator(new FakeTimeProvider(Start));

        var previous = 0L;
        for (var i = 0; i < 1000; i++)
        {
            var id = generator.NextClientId();
            Assert.Equal(0, id % 4);
            Assert.True(id > previous);
            previous = id;
        }
    }

    [Fact]
    public void NextClientId_HighHalf_IsUnixTimeAndLowHalfIsNonZero()
    {
        var generator = new MessageIdGenerator(new FakeTimeProvider(Start));

        var id = generator.NextClientId();

        Assert.Equal(Start.ToUnixTimeSeconds(), id >>> 32);
        Assert.NotEqual(0, id & 0xFFFFFFFFL);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(0)]
    public void Next_MixedKinds_KeepResidueAndIncrease(int residue)
    {
        var kind = (MessageIdKind)residue;
        var generator = new MessageIdGenerator(new FakeTimeProvider(Start));

        var previous = 0L;
        for (var i = 0; i < 100; i++)
        {
            var other = generator.Next(i % 2 == 0 ? MessageIdKind.ServerInitiated : MessageIdKind.ServerResponse);
            var id = generator.Next(kind);
            Assert.Equal(residue, id & 3);
            Assert.True(id > other);
            Assert.True(other > previous);
            previous = id;
        }
    }

    [Fact]
    public void NextClientId_ClockGoesBackwards_StillIncreases()
    {
        var time = new FakeTimeProvider(Start);
        var generator = new MessageIdGenerator(time);
        var first = generator.NextClientId();

        generator.ClockOffset = TimeSpan.FromSeconds(-100);
        var second = generator.NextClientId();

        Assert.True(second > first);
    }

    [Fact]
    public async Task NextClientId_Concurrent_AllDistinct()
    {
        var generator = new MessageIdGenerator(new FakeTimeProvider(Start));
        var ids = new long[8][];

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(
            () =>
            {
                var mine = new long[10_000];
                for (var i = 0; i < mine.Length; i++)
                {
                    mine[i] = generator.NextClientId();
                }

                ids[t] = mine;
            },
            TestContext.Current.CancellationToken)));

        var all = ids.SelectMany(x => x).ToArray();
        Assert.Equal(all.Length, all.Distinct().Count());
        Assert.All(ids, mine => Assert.True(mine.Zip(mine.Skip(1)).All(p => p.First < p.Second)));
    }

    [Fact]
    public void SynchronizeWith_ServerAhead_StampsIdsWithServerTime()
    {
        var time = new FakeTimeProvider(Start);
        var generator = new MessageIdGenerator(time);
        var serverTime = Start.AddSeconds(3600);
        var serverId = MessageIdGenerator.FromTime(serverTime, MessageIdKind.ServerResponse);

        generator.SynchronizeWith(serverId);

        Assert.Equal(serverTime.ToUnixTimeSeconds(), generator.NextClientId() >>> 32);
        Assert.Equal(3600, (int)Math.Round(generator.ClockOffset.TotalSeconds));
    }

    [Fact]
    public void SynchronizeWithServerTime_ServerBehind_NegativeOffset()
    {
        var generator = new MessageIdGenerator(new FakeTimeProvider(Start));

        generator.SynchronizeWithServerTime((int)Start.ToUnixTimeSeconds() - 50);

        Assert.Equal(-50, (int)Math.Round(generator.ClockOffset.TotalSeconds));
    }
}
