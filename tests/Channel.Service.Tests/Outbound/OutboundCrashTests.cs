using Channel.Grpc.V1;
using Channel.MTProto.Emulator.World;
using Channel.Service.Tests.Inbound;
using Grpc.Core;

namespace Channel.Service.Tests.Outbound;

/// <summary>
/// The crash window of a send: the service process is SIGKILLed after Telegram (the emulator) has stored the reply
/// but before our side learned the answer and committed it. The emulator holds its answers back (DelayResponses) so
/// the kill lands exactly there: the customer already has the message, the row is still Pending. This proves that the
/// re-send after the restart carries the same random_id and Telegram's dedupe leaves one message; it does not prove
/// the narrower window between our receiving the answer and the commit (no hook reaches inside that), which the same
/// Pending row covers the same way.
/// </summary>
public sealed class OutboundCrashTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task KilledBetweenTelegramsAnswerAndOurCommit_BusAndGrpc_CustomerGetsEachReplyOnce()
    {
        await using var rig = await InboundRig.StartAsync(inProcessHost: false, Ct, "--Outbound:SendInterval=00:00:00", "--Outbound:PollInterval=00:00:01");
        await using var bus = await BusCollector.StartAsync(rig.BrokerUri, Ct, "InboundMessageReceived", "OutboundMessageSent", "MessageSentFromOtherDevice");
        var port = ServiceProcess.FreePort();
        var service = await ServiceProcess.StartAsync(port, rig.ServiceArguments, Ct);
        try
        {
            var account = await service.Client.CreateAccountAsync(new CreateAccountRequest
            {
                HelpdeskAccountId = 78, ApiId = 12345, ApiHash = "0123456789abcdef0123456789abcdef", PhoneNumber = "+99966 2 5061", DisplayName = "Outbound crash",
            }, cancellationToken: Ct);
            await service.Client.SendCodeAsync(new SendCodeRequest { AccountId = account.Id }, cancellationToken: Ct);
            await service.Client.VerifyCodeAsync(new VerifyCodeRequest { AccountId = account.Id, Code = "22222" }, cancellationToken: Ct);
            await WaitConnectedAsync(service, account.Id);
            var customer = rig.World.CreateUser(new NewUser("+447700900561", "Hal", "Crash", "hal_crash"));
            await using var publisher = await CommandPublisher.StartAsync(rig.BrokerUri, Ct);

            // 1. A bus command: stored by Telegram, its answer held back, the service killed.
            rig.Emulator.Faults.DelayResponses(TimeSpan.FromMinutes(5));
            await publisher.PublishRawAsync(new { accountId = account.Id, idempotencyKey = "crash-bus", peerUsername = "hal_crash", text = "Bus reply" });
            await Eventually.ReachedAsync(() => Task.FromResult(rig.World.ReceivedMessages(customer.Phone)), r => r.Count == 1, TimeSpan.FromMinutes(1));
            await service.KillAsync();
            await service.DisposeAsync();

            // 2. The same for a gRPC call, on the next life of the process.
            rig.Emulator.Faults.DelayResponses(TimeSpan.Zero);
            service = await ServiceProcess.StartAsync(port, rig.ServiceArguments, Ct);
            await WaitConnectedAsync(service, account.Id);
            await bus.WaitAsync(r => r.Any(e => e.Type == "OutboundMessageSent" && e.Str("idempotencyKey") == "crash-bus"), TimeSpan.FromMinutes(1));
            rig.Emulator.Faults.DelayResponses(TimeSpan.FromMinutes(5));
            var request = new SendMessageRequest { AccountId = account.Id, Peer = new Peer { Username = "hal_crash" }, Text = "gRPC reply", IdempotencyKey = "crash-grpc" };
            var pending = new TelegramMessages.TelegramMessagesClient(service.Channel).SendMessageAsync(request, cancellationToken: Ct).ResponseAsync;
            await Eventually.ReachedAsync(() => Task.FromResult(rig.World.ReceivedMessages(customer.Phone)), r => r.Count == 2, TimeSpan.FromMinutes(1));
            await service.KillAsync();
            await service.DisposeAsync();
            await Assert.ThrowsAnyAsync<Exception>(() => pending);

            rig.Emulator.Faults.DelayResponses(TimeSpan.Zero);
            service = await ServiceProcess.StartAsync(port, rig.ServiceArguments, Ct);
            await WaitConnectedAsync(service, account.Id);
            var messages = new TelegramMessages.TelegramMessagesClient(service.Channel);
            var retried = await Eventually.ReachedAsync(
                async () =>
                {
                    try
                    {
                        return (SendMessageResponse?)await messages.SendMessageAsync(request, cancellationToken: Ct);
                    }
                    catch (RpcException e) when (e.StatusCode is StatusCode.FailedPrecondition or StatusCode.Unavailable)
                    {
                        return null;
                    }
                },
                r => r is not null, TimeSpan.FromMinutes(1));

            var received = rig.World.ReceivedMessages(customer.Phone);
            Assert.Equal(["Bus reply", "gRPC reply"], received.Select(m => m.Text));

            // A later inbound message is the barrier for anything the replays produced on the account's sequence.
            rig.World.SendMessage(customer.Phone, "9996625061", "Got both, thanks");
            var seen = await bus.WaitAsync(r => r.Any(e => e.Type == "InboundMessageReceived"), TimeSpan.FromMinutes(1));
            Assert.DoesNotContain(seen, e => e.Type == "MessageSentFromOtherDevice");
            Assert.Single(seen.Where(e => e.Type == "OutboundMessageSent" && e.Str("idempotencyKey") == "crash-bus").Select(e => e.MessageId).Distinct());
            Assert.NotNull(retried);
        }
        finally
        {
            rig.Emulator.Faults.DelayResponses(TimeSpan.Zero);
            await service.DisposeAsync();
        }
    }

    private static Task WaitConnectedAsync(ServiceProcess service, string accountId) =>
        Eventually.ReachedAsync(
            () => service.Client.GetAccountAsync(new GetAccountRequest { AccountId = accountId }).ResponseAsync,
            a => a.Connection.State == ConnectionState.Connected, TimeSpan.FromSeconds(60));
}
