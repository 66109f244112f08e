using System.Diagnostics;
using System.Globalization;

namespace Channel.Benchmarks.Inbound;

/// <summary>
/// Idle accounts in one service process: the service's live managed heap (after a full GC) and RSS with 0 accounts
/// and with N onboarded, connected, idle accounts (the full runtime: client, update state, peer cache), per account;
/// then the service is killed and started again on the same data, and the time until GetAccount shows all N
/// connected from their stored sessions is measured, with the memory again.
/// </summary>
/// <remarks>Run: <c>dotnet run -c Release --project bench/Channel.Benchmarks -- inbound-idle --accounts 1000</c>.</remarks>
internal static class IdleMeasurements
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(15);

    public static async Task RunAsync(string[] args)
    {
        var count = int.Parse(InboundMeasurements.Option(args, "--accounts", "1000"), CultureInfo.InvariantCulture);
        var parallelism = int.Parse(InboundMeasurements.Option(args, "--parallelism", "16"), CultureInfo.InvariantCulture);
        // For finding where RSS goes: a copy of the service's /proc/<pid>/smaps at each measuring point.
        var smapsDirectory = InboundMeasurements.Option(args, "--smaps-dir", "");
        await using var rig = await LoadRig.StartAsync();

        await Task.Delay(Settle);
        var empty = await MemoryAsync(rig, smapsDirectory, "0-accounts");
        InboundMeasurements.Report($"0 accounts: {Describe(empty)}");

        // Two halves: what the second half adds is the cost of an account once the process's fixed costs (thread
        // pool, connection pools, caches, GC budgets) are paid.
        var half = count / 2;
        var watch = Stopwatch.StartNew();
        var accounts = await rig.OnboardAsync(half, parallelism);
        await Task.Delay(Settle);
        var halfway = await MemoryAsync(rig, smapsDirectory, $"{half}-accounts");
        InboundMeasurements.Report($"{half} idle connected accounts: {Describe(halfway)}; per account {PerAccount(empty, halfway, half)}");
        accounts.AddRange(await rig.OnboardAsync(count - half, parallelism, first: half));
        InboundMeasurements.Report($"Onboarded {count} accounts over gRPC ({parallelism} at a time) and saw them connected in {watch.Elapsed.TotalSeconds:F1} s");
        await Task.Delay(Settle);
        var loaded = await MemoryAsync(rig, smapsDirectory, $"{count}-accounts");
        InboundMeasurements.Report($"{count} idle connected accounts: {Describe(loaded)}; per account {PerAccount(empty, loaded, count)}; "
                                   + $"each of the second {count - half} added {PerAccount(halfway, loaded, count - half)}");

        await rig.StopServiceAsync();
        watch.Restart();
        await rig.StartServiceAsync();
        var answering = watch.Elapsed;
        await rig.WaitConnectedAsync(accounts, TimeSpan.FromMinutes(10));
        InboundMeasurements.Report($"Restart: gRPC answering after {answering.TotalSeconds:F1} s, all {count} connected from stored sessions after {watch.Elapsed.TotalSeconds:F1} s");
        await Task.Delay(Settle);
        var restarted = await MemoryAsync(rig, smapsDirectory, $"{count}-accounts-restarted");
        InboundMeasurements.Report($"After restart, {count} idle accounts: {Describe(restarted)}; per account vs 0 accounts {PerAccount(empty, restarted, count)}");
    }

    private static async Task<Memory> MemoryAsync(LoadRig rig, string smapsDirectory, string label)
    {
        var pid = rig.Service.ProcessId;
        var managed = await ManagedHeap.LiveBytesAsync(pid);
        // One read serves the runtime-code figure and the kept copy, so both describe the same moment.
        var smaps = await File.ReadAllTextAsync($"/proc/{pid}/smaps");
        if (smapsDirectory.Length > 0)
        {
            Directory.CreateDirectory(smapsDirectory);
            // Written from the text read, not File.Copy: procfs files report a size of 0.
            await File.WriteAllTextAsync(Path.Combine(smapsDirectory, label + ".smaps"), smaps);
        }

        return new Memory(managed, ProcessStats.ResidentBytes(pid), ProcessStats.ResidentAnonymousBytes(pid), ProcessStats.ResidentRuntimeCodeBytes(smaps.Split('\n')), ProcessStats.Threads(pid));
    }

    private static string Describe(Memory memory)
        => $"managed heap {(memory.Managed is { } m ? $"{m / 1048576.0:F1} MiB" : "n/a (no dotnet-gcdump)")}, RSS {memory.Resident / 1048576.0:F1} MiB "
           + $"(anonymous {memory.Anonymous / 1048576.0:F1} MiB, runtime code {memory.RuntimeCode / 1048576.0:F1} MiB), {memory.Threads} threads";

    private static string PerAccount(Memory before, Memory after, int count)
        => $"managed {(before.Managed is { } b && after.Managed is { } a ? $"{(a - b) / 1024.0 / count:F1} KiB" : "n/a")}, RSS {(after.Resident - before.Resident) / 1024.0 / count:F1} KiB "
           + $"(anonymous {(after.Anonymous - before.Anonymous) / 1024.0 / count:F1} KiB, runtime code {(after.RuntimeCode - before.RuntimeCode) / 1024.0 / count:F1} KiB)";

    /// <summary>
    /// Live managed heap (null without dotnet-gcdump), RSS, its anonymous part (heaps and stacks, not mapped files), its
    /// runtime-code part (JIT code and stubs: a cost of the code that has run, not of the accounts), threads.
    /// </summary>
    private sealed record Memory(long? Managed, long Resident, long Anonymous, long RuntimeCode, long Threads);
}
