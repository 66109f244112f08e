using System.Diagnostics;
using System.Globalization;
using Channel.Grpc.V1;
using Channel.MTProto.Emulator.World;
using Channel.Service.Tests.Inbound;
using Channel.Tests.Infrastructure;
using Npgsql;

namespace Channel.Service.Tests.Replicas;

/// <summary>
/// Several service processes on one PostgreSQL database, one emulator, a real RabbitMQ: each account is connected by
/// exactly one process at every moment (the emulator's live authorized connections per user, sampled throughout),
/// a SIGKILLed owner's accounts are taken over within the lease time, and a joining replica takes its share.
/// </summary>
public sealed class MultiReplicaTests
{
    private const int Accounts = 50;
    private const string Sender = "+447700900462";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TwoReplicas_OneOwnerPerAccount_KilledOwnerTakenOverWithin30s_NoMessageLost_ThirdTakesItsShare()
    {
        PostgreSqlNode.RequireInstalled();
        await using var postgres = new PostgreSqlNode();
        await postgres.InitializeAsync();
        var database = await postgres.CreateDatabaseAsync(Ct);
        await using var rig = await InboundRig.StartAsync(
            inProcessHost: false, Ct, "--Database:Provider=PostgreSql", $"--ConnectionStrings:PostgreSql={database}", "--Runtime:StartConcurrency=8");
        await using var bus = await BusCollector.StartAsync(rig.BrokerUri, Ct, "InboundMessageReceived");
        var processes = new Dictionary<string, ServiceProcess>();
        try
        {
            var a = processes["replica-a"] = await StartReplicaAsync(rig, "replica-a");
            var phones = Enumerable.Range(0, Accounts).Select(i => string.Create(CultureInfo.InvariantCulture, $"+9996625{i:000}")).ToList();
            foreach (var phone in phones)
            {
                await ActivateAsync(a, phone);
            }

            // Sampled from here to the end: never two live authorized connections for one user.
            using var sampling = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            var sampler = SampleConnectionsAsync(rig.World, phones, sampling.Token);
            await WaitOwnedAsync(database, owners => owners.Count == Accounts, TimeSpan.FromSeconds(60));
            await WaitAllConnectedAsync(rig.World, phones, TimeSpan.FromSeconds(60));

            var b = processes["replica-b"] = await StartReplicaAsync(rig, "replica-b");
            var spread = await WaitOwnedAsync(database, owners => Count(owners, "replica-a") == Accounts / 2 && Count(owners, "replica-b") == Accounts / 2, TimeSpan.FromSeconds(90));
            await WaitAllConnectedAsync(rig.World, phones, TimeSpan.FromSeconds(60));

            rig.World.CreateUser(new NewUser(Sender, "Grace", "Hopper"));
            var streams = phones.Select(phone => rig.World.BulkSendAsync(new BulkSendRequest([Sender], phone.Replace(" ", "", StringComparison.Ordinal), null, 40, RatePerSecond: 4), Ct)).ToList();
            await bus.WaitAsync(r => r.Count >= Accounts * 5, TimeSpan.FromMinutes(2));

            // SIGKILL the owner of half of them, mid-stream.
            var killedAt = Stopwatch.StartNew();
            await a.KillAsync();
            await WaitOwnedAsync(database, owners => Count(owners, "replica-b") == Accounts, TimeSpan.FromSeconds(30) - killedAt.Elapsed);
            await WaitAllConnectedAsync(rig.World, phones, TimeSpan.FromSeconds(30) - killedAt.Elapsed);
            var takeOver = killedAt.Elapsed;

            await Task.WhenAll(streams);
            var received = await bus.WaitAsync(r => r.Select(e => e.MessageId).Distinct().Count() >= Accounts * 40, TimeSpan.FromMinutes(2));
            Assert.True(received.Select(e => e.MessageId).Distinct().Count() == Accounts * 40, b.ToString());
            foreach (var account in received.GroupBy(e => e.Str("accountId")))
            {
                Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), account.Select(e => e.Long("sequence")).Distinct().Order());
            }

            // Two more replicas (the killed one anew, and a third): each ends up with about a third.
            processes["replica-c"] = await StartReplicaAsync(rig, "replica-c");
            processes["replica-d"] = await StartReplicaAsync(rig, "replica-d");
            var thirds = await WaitOwnedAsync(
                database,
                owners => new[] { "replica-b", "replica-c", "replica-d" }.All(o => Count(owners, o) is >= 16 and <= 17) && owners.Count == Accounts,
                TimeSpan.FromSeconds(90));
            await WaitAllConnectedAsync(rig.World, phones, TimeSpan.FromSeconds(60));

            await sampling.CancelAsync();
            var violations = await sampler;
            Assert.True(violations.Count == 0, $"more than one live connection: {string.Join("; ", violations.Take(10))}");
            foreach (var process in processes.Values)
            {
                Assert.DoesNotContain(process.Output, line => line.Contains("AUTH_KEY_DUPLICATED", StringComparison.Ordinal));
            }

            TestContext.Current.SendDiagnosticMessage(
                $"take-over of {Accounts / 2} accounts after SIGKILL: {takeOver.TotalSeconds:F1} s; spread {string.Join(", ", spread.Values.GroupBy(o => o).Select(g => $"{g.Key}={g.Count()}"))}; thirds {string.Join(", ", thirds.Values.GroupBy(o => o).Select(g => $"{g.Key}={g.Count()}"))}");
        }
        finally
        {
            foreach (var process in processes.Values)
            {
                await process.DisposeAsync();
            }
        }
    }

    private static int Count(Dictionary<Guid, string> owners, string owner) => owners.Values.Count(o => o == owner);

    private static Task<ServiceProcess> StartReplicaAsync(InboundRig rig, string instanceId) =>
        ServiceProcess.StartAsync(ServiceProcess.FreePort(), [.. rig.ServiceArguments, $"--Leases:InstanceId={instanceId}"], Ct);

    private static async Task ActivateAsync(ServiceProcess service, string phone)
    {
        var account = await service.Client.CreateAccountAsync(new CreateAccountRequest
        {
            HelpdeskAccountId = 78, ApiId = 12345, ApiHash = "0123456789abcdef0123456789abcdef", PhoneNumber = phone, DisplayName = "Replica test",
        }, cancellationToken: Ct);
        await service.Client.SendCodeAsync(new SendCodeRequest { AccountId = account.Id }, cancellationToken: Ct);
        await service.Client.VerifyCodeAsync(new VerifyCodeRequest { AccountId = account.Id, Code = "22222" }, cancellationToken: Ct);
    }

    /// <summary>Current lease owners (unexpired) per account, read from the database as an operator would.</summary>
    private static async Task<Dictionary<Guid, string>> OwnersAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT \"AccountId\", \"Owner\" FROM \"AccountLeases\" WHERE \"ExpiresAt\" > now()", connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var owners = new Dictionary<Guid, string>();
        while (await reader.ReadAsync(Ct))
        {
            owners[reader.GetGuid(0)] = reader.GetString(1);
        }

        return owners;
    }

    private static async Task<Dictionary<Guid, string>> WaitOwnedAsync(string database, Func<Dictionary<Guid, string>, bool> done, TimeSpan timeout)
    {
        var owners = await Eventually.ReachedAsync(() => OwnersAsync(database), done, timeout > TimeSpan.Zero ? timeout : TimeSpan.FromMilliseconds(1));
        Assert.True(done(owners), $"lease owners: {string.Join(", ", owners.Values.GroupBy(o => o).Select(g => $"{g.Key}={g.Count()}"))}");
        return owners;
    }

    private static async Task WaitAllConnectedAsync(EmulatorWorld world, List<string> phones, TimeSpan timeout)
    {
        var counts = await Eventually.ReachedAsync(
            () => Task.FromResult(phones.Select(p => world.Connections(p).Count).ToList()),
            c => c.All(n => n == 1),
            timeout > TimeSpan.Zero ? timeout : TimeSpan.FromMilliseconds(1));
        Assert.True(counts.All(n => n == 1), $"live connections per account: {string.Join(",", counts)}");
    }

    private static async Task<List<string>> SampleConnectionsAsync(EmulatorWorld world, List<string> phones, CancellationToken cancellationToken)
    {
        var violations = new List<string>();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                foreach (var phone in phones)
                {
                    var live = world.Connections(phone);
                    if (live.Count > 1)
                    {
                        violations.Add($"{phone}: {live.Count} at {DateTimeOffset.UtcNow:HH:mm:ss.fff}");
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        return violations;
    }
}
