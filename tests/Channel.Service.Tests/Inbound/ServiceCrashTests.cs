using Channel.Grpc.V1;
using Channel.MTProto.Emulator.World;

namespace Channel.Service.Tests.Inbound;

/// <summary>The service as its own process, killed with SIGKILL mid-stream and started again on the same data.</summary>
public sealed class ServiceCrashTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task KilledThreeTimesDuringA5000MessageStream_EveryMessageDelivered_RepeatsKeepTheirEventId()
    {
        await using var rig = await InboundRig.StartAsync(inProcessHost: false, Ct);
        await using var bus = await BusCollector.StartAsync(rig.BrokerUri, Ct, "InboundMessageReceived");
        var port = ServiceProcess.FreePort();
        var service = await ServiceProcess.StartAsync(port, rig.ServiceArguments, Ct);
        try
        {
            var account = await service.Client.CreateAccountAsync(new CreateAccountRequest
            {
                HelpdeskAccountId = 77, ApiId = 12345, ApiHash = "0123456789abcdef0123456789abcdef", PhoneNumber = "+99966 2 4061", DisplayName = "Crash test",
            }, cancellationToken: Ct);
            await service.Client.SendCodeAsync(new SendCodeRequest { AccountId = account.Id }, cancellationToken: Ct);
            await service.Client.VerifyCodeAsync(new VerifyCodeRequest { AccountId = account.Id, Code = "22222" }, cancellationToken: Ct);
            await Eventually.ReachedAsync(
                () => service.Client.GetAccountAsync(new GetAccountRequest { AccountId = account.Id }).ResponseAsync,
                a => a.Connection.State == ConnectionState.Connected, TimeSpan.FromSeconds(60));
            rig.World.CreateUser(new NewUser("+447700900461", "Donald", "Knuth"));

            var stream = rig.World.BulkSendAsync(new BulkSendRequest(["+447700900461"], "+9996624061", null, 5_000, RatePerSecond: 400), Ct);
            foreach (var threshold in new[] { 800, 1_800, 2_800 })
            {
                await bus.WaitAsync(r => r.Count >= threshold || stream.IsCompleted, TimeSpan.FromMinutes(2));
                await service.KillAsync();
                await service.DisposeAsync();
                service = await ServiceProcess.StartAsync(port, rig.ServiceArguments, Ct);
            }

            await stream;
            var received = await bus.WaitAsync(r => r.Select(e => e.MessageId).Distinct().Count() >= 5_000, TimeSpan.FromMinutes(3));
            Assert.True(received.Select(e => e.MessageId).Distinct().Count() == 5_000, service.ToString());
            foreach (var repeats in received.GroupBy(e => e.MessageId))
            {
                Assert.Single(repeats.Select(e => (e.Long("sequence"), e.Long("telegramMessageId"))).Distinct());
            }

            var unique = received.GroupBy(e => e.MessageId).Select(g => g.First()).ToList();
            Assert.Equal(Enumerable.Range(1, 5_000).Select(i => (long)i), unique.Select(e => e.Long("sequence")).Order());
        }
        finally
        {
            await service.DisposeAsync();
        }
    }
}
