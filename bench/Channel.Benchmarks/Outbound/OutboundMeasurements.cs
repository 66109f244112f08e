using System.Diagnostics;
using System.Globalization;
using Channel.Benchmarks.Inbound;

namespace Channel.Benchmarks.Outbound;

/// <summary>
/// The outbound load figures of docs/benchmarks.md: a raw RabbitMQ.Client producer publishes <c>SendTelegramMessage</c>
/// (raw JSON, confirms) → a real RabbitMQ node → Channel.Service (process, SQLite, <c>Outbound:SendInterval</c> 0, so no
/// pacing; the emulator applies no flood limits unless a fault is injected) → the emulator (process), where the
/// customer's copy is stored. Every account is onboarded over gRPC and first gets a message from its customer, so the
/// commands address the customer by user id, as a helpdesk reply would. Latency: the publish time (noted just before
/// each publish) to the emulator's <c>storedAt</c> of the customer's copy (same machine, same clock). Throughput: the
/// commands of a phase over first publish → last copy stored.
/// </summary>
/// <remarks>
/// Run: <c>dotnet run -c Release --project bench/Channel.Benchmarks -- outbound --phases 1:2000,100:5000</c>. A phase is
/// accounts:commands[:rate]; rate 0 (the default) publishes as fast as confirms allow (<c>--window</c> unconfirmed,
/// 256), otherwise at that many commands/s overall.
/// </remarks>
internal static class OutboundMeasurements
{
    public static async Task RunAsync(string[] args)
    {
        var phases = InboundMeasurements.Option(args, "--phases", "1:2000,100:5000").Split(',').Select(Phase.Parse).ToList();
        var window = int.Parse(InboundMeasurements.Option(args, "--window", "256"), CultureInfo.InvariantCulture);

        await using var rig = await LoadRig.StartAsync("--Outbound:SendInterval=00:00:00");
        var accounts = await rig.OnboardAsync(phases.Max(p => p.Accounts));
        var customers = await IntroduceCustomersAsync(rig, accounts);
        await using var outcomes = await OutcomeConsumer.StartAsync(rig.Broker.AmqpUri);
        await using var publisher = await CommandPublisher.StartAsync(rig.Broker.AmqpUri);

        // Warm-up: JIT, pools, every account's first send.
        await RunPhaseAsync(rig, outcomes, publisher, accounts, customers, new Phase(accounts.Count, accounts.Count * 5, 0), "warm", window);

        foreach (var phase in phases)
        {
            var prefix = $"p{phase.Accounts}x{phase.Commands}r{phase.Rate.ToString(CultureInfo.InvariantCulture)}";
            var result = await RunPhaseAsync(rig, outcomes, publisher, accounts.Take(phase.Accounts).ToList(), customers, phase, prefix, window);
            var samples = result.Latencies.Order().ToList();
            InboundMeasurements.Report(
                $"Outbound, {phase.Accounts} account(s), {result.Commands:N0} commands {(phase.Rate > 0 ? $"at {phase.Rate:N0}/s" : "as one burst")}: "
                + $"published in {result.Published.TotalSeconds:F2} s, all stored at the emulator after {result.Delivered.TotalSeconds:F2} s = {result.Commands / result.Delivered.TotalSeconds:N0} commands/s "
                + $"(last OutboundMessageSent after {result.LastOutcome.TotalSeconds:F2} s); publish → customer's copy: "
                + $"p50 {InboundMeasurements.Percentile(samples, 50):F1} ms, p99 {InboundMeasurements.Percentile(samples, 99):F1} ms, max {samples[^1]:F1} ms; "
                + $"CPU s: service {result.ServiceCpu.TotalSeconds:F1}, emulator {result.EmulatorCpu.TotalSeconds:F1} "
                + $"(service CPU per command {result.ServiceCpu.TotalMilliseconds * 1000 / result.Commands:F0} µs)");
        }
    }

    /// <summary>Each account's customer writes first (the account learns the peer); returns the customers' user ids, by account.</summary>
    private static async Task<long[]> IntroduceCustomersAsync(LoadRig rig, List<LoadAccount> accounts)
    {
        await using var inbound = await EventConsumer.StartAsync(rig.Broker.AmqpUri, "Channel.Contracts:InboundMessageReceived", envelope: true);
        var arrived = inbound.Expect("hello", accounts.Count);
        await Parallel.ForEachAsync(accounts, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (a, _) => await rig.Control.SendMessageAsync(a.Sender, a.Phone, "hello"));
        if (await Task.WhenAny(arrived, Task.Delay(TimeSpan.FromMinutes(2))) != arrived)
        {
            throw new TimeoutException($"{inbound.Snapshot().Received} of {accounts.Count} customers' first messages reached the bus.\n{rig.Service.Tail()}");
        }

        return await Task.WhenAll(accounts.Select(a => rig.Control.UserIdAsync(a.Sender)));
    }

    private static async Task<PhaseResult> RunPhaseAsync(
        LoadRig rig, OutcomeConsumer outcomes, CommandPublisher publisher, List<LoadAccount> accounts, long[] customers, Phase phase, string prefix, int window)
    {
        var perAccount = phase.Commands / accounts.Count;
        var expected = perAccount * accounts.Count;
        var done = outcomes.Expect(prefix + "-", expected);
        var published = new Dictionary<string, DateTimeOffset>(expected);
        var serviceCpu = ProcessStats.CpuTime(rig.Service.ProcessId);
        var emulatorCpu = ProcessStats.CpuTime(rig.Emulator.ProcessId);
        var start = Stopwatch.GetTimestamp();
        var firstPublish = DateTimeOffset.UtcNow;

        // Round-robin over the accounts, as replies to many customers interleave.
        for (var n = 0; n < expected; n++)
        {
            if (phase.Rate > 0)
            {
                var due = TimeSpan.FromSeconds(n / phase.Rate) - Stopwatch.GetElapsedTime(start);
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due);
                }
            }

            var a = n % accounts.Count;
            var key = $"{prefix}-{a}-{n / accounts.Count}";
            published[key] = await publisher.PublishAsync(accounts[a].Id, customers[a], key, phase.Rate > 0 ? 1 : window);
        }

        await publisher.FlushAsync();
        var publishedIn = Stopwatch.GetElapsedTime(start);
        var deadline = TimeSpan.FromSeconds(120 + (expected / 20.0));
        if (await Task.WhenAny(done, Task.Delay(deadline - Stopwatch.GetElapsedTime(start))) != done)
        {
            throw new TimeoutException($"{prefix}: {outcomes.Snapshot().Sent:N0} of {expected:N0} sent after {deadline}.\n{rig.Service.Tail()}");
        }

        var (sent, failures, lastSent) = outcomes.Snapshot();
        if (failures.Count > 0)
        {
            throw new InvalidOperationException($"{prefix}: failed commands: {string.Join(", ", failures.Select(f => $"{f.Key} ×{f.Value}"))}; {sent} sent.");
        }

        var serviceCpuUsed = ProcessStats.CpuTime(rig.Service.ProcessId) - serviceCpu;
        var emulatorCpuUsed = ProcessStats.CpuTime(rig.Emulator.ProcessId) - emulatorCpu;

        // Telegram answered each send after storing the customer's copy, so every copy is there by now.
        var latencies = new List<double>(expected);
        var lastStored = firstPublish;
        foreach (var copies in await Task.WhenAll(accounts.Select(a => rig.Control.ReceivedAsync(a.Sender))))
        {
            foreach (var (text, storedAt) in copies)
            {
                if (published.Remove(text, out var at))
                {
                    var stored = storedAt ?? throw new InvalidOperationException("The emulator reported no storedAt.");
                    latencies.Add((stored - at).TotalMilliseconds);
                    lastStored = stored > lastStored ? stored : lastStored;
                }
            }
        }

        if (published.Count > 0)
        {
            throw new InvalidOperationException($"{prefix}: {published.Count:N0} command(s) reported sent but not at the emulator, e.g. {published.Keys.First()}.");
        }

        return new PhaseResult(expected, publishedIn, lastStored - firstPublish, Stopwatch.GetElapsedTime(start, lastSent), serviceCpuUsed, emulatorCpuUsed, latencies);
    }

    /// <summary>accounts:commands[:rate] (rate 0: one burst).</summary>
    private sealed record Phase(int Accounts, int Commands, double Rate)
    {
        public static Phase Parse(string text)
        {
            var parts = text.Split(':');
            return new Phase(
                int.Parse(parts[0], CultureInfo.InvariantCulture),
                int.Parse(parts[1], CultureInfo.InvariantCulture),
                parts.Length > 2 ? double.Parse(parts[2], CultureInfo.InvariantCulture) : 0);
        }
    }

    private sealed record PhaseResult(int Commands, TimeSpan Published, TimeSpan Delivered, TimeSpan LastOutcome, TimeSpan ServiceCpu, TimeSpan EmulatorCpu, List<double> Latencies);
}
