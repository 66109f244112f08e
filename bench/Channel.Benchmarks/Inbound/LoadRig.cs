using System.Diagnostics;
using System.Globalization;
using Channel.Benchmarks.Connection;
using Channel.Grpc.V1;
using Channel.Tests.Infrastructure;
using Grpc.Core;

namespace Channel.Benchmarks.Inbound;

/// <summary>
/// The processes of an inbound load run: a throwaway RabbitMQ node, the emulator and Channel.Service on a temporary
/// data directory, plus the emulator's control API. Accounts are Telegram test numbers onboarded over gRPC; each
/// gets its own emulator sender user.
/// </summary>
internal sealed class LoadRig : IAsyncDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "channel-bench", Guid.NewGuid().ToString("N"));
    private readonly string[] _arguments;

    private LoadRig(RabbitMqServer broker, EmulatorProcess emulator, string[] arguments)
    {
        Broker = broker;
        Emulator = emulator;
        Control = new EmulatorControl(emulator.Control ?? throw new InvalidOperationException("The emulator reported no control API."));
        _arguments = [$"--Storage:DataDirectory={_dataDirectory}", .. arguments];
    }

    public RabbitMqServer Broker { get; }

    public EmulatorProcess Emulator { get; }

    public EmulatorControl Control { get; }

    public ServiceHost Service { get; private set; } = null!;

    /// <summary>Starts the processes; <paramref name="serviceArguments"/> are added to the service's command line.</summary>
    public static async Task<LoadRig> StartAsync(params string[] serviceArguments)
    {
        var broker = new RabbitMqServer();
        await broker.StartAsync();
        var emulator = await EmulatorProcess.StartAsync();
        var keyDirectory = Path.Combine(Path.GetTempPath(), "channel-bench");
        Directory.CreateDirectory(keyDirectory);
        var keyPath = Path.Combine(keyDirectory, $"telegram-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(keyPath, emulator.PublicKeyPem);
        var rig = new LoadRig(broker, emulator,
        [
            $"--Telegram:Endpoints:0={emulator.DcId}>{emulator.Endpoint}",
            $"--Telegram:PublicKeys:0={keyPath}",
            "--Telegram:SessionCheckInterval=0",
            "--Bus:Transport=RabbitMq",
            $"--ConnectionStrings:RabbitMq={broker.AmqpUri}",
            "--Logging:LogLevel:Default=Warning",

            // The bench drives the service as its only caller: no tenants to keep apart, so no API key, and no limit
            // on login calls (onboarding a thousand accounts is 3,000 of them within minutes).
            "--Auth:Disabled=true",
            "--Auth:RateLimit:PerKey=1000000",
            "--Service:ManagementUrl=http://127.0.0.1:0",
            .. serviceArguments,
        ]);
        Directory.CreateDirectory(rig._dataDirectory);
        await rig.StartServiceAsync();
        return rig;
    }

    public async Task StartServiceAsync() => Service = await ServiceHost.StartAsync(_arguments);

    public async Task StopServiceAsync() => await Service.DisposeAsync();

    /// <summary>
    /// Onboards <paramref name="count"/> accounts (test numbers 99966 2 xxxx from index <paramref name="first"/>, code
    /// 22222) and waits until each is connected.
    /// </summary>
    public async Task<List<LoadAccount>> OnboardAsync(int count, int parallelism = 8, int first = 0)
    {
        var accounts = new LoadAccount[count];
        var onboarded = 0;
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(first, count), new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (i, _) =>
        {
            var phone = "999662" + i.ToString("D4", CultureInfo.InvariantCulture);
            var sender = "1555" + i.ToString("D6", CultureInfo.InvariantCulture);
            await Control.CreateUserAsync(sender, "Customer" + i.ToString(CultureInfo.InvariantCulture));
            var created = await Service.Accounts.CreateAccountAsync(new CreateAccountRequest
            {
                HelpdeskAccountId = Tenant, ApiId = 12345, ApiHash = "0123456789abcdef0123456789abcdef", PhoneNumber = "+" + phone, DisplayName = "Load " + i.ToString(CultureInfo.InvariantCulture),
            });
            await Service.Accounts.SendCodeAsync(new SendCodeRequest { AccountId = created.Id });
            await Service.Accounts.VerifyCodeAsync(new VerifyCodeRequest { AccountId = created.Id, Code = "22222" });
            accounts[i - first] = new LoadAccount(created.Id, phone, sender);
            if (Interlocked.Increment(ref onboarded) % 100 == 0)
            {
                Console.WriteLine($"  onboarded {onboarded} of {count} after {watch.Elapsed.TotalSeconds:F0} s");
            }
        });
        await WaitConnectedAsync(accounts, TimeSpan.FromMinutes(10));
        return [.. accounts];
    }

    /// <summary>Waits until GetAccount shows every account connected; returns how long that took.</summary>
    public async Task<TimeSpan> WaitConnectedAsync(IReadOnlyList<LoadAccount> accounts, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        var pending = accounts.ToList();
        while (pending.Count > 0)
        {
            var still = new List<LoadAccount>();
            foreach (var chunk in pending.Chunk(50))
            {
                try
                {
                    var states = await Task.WhenAll(chunk.Select(async a => (a, (await Service.Accounts.GetAccountAsync(new GetAccountRequest { AccountId = a.Id })).Connection?.State)));
                    still.AddRange(states.Where(s => s.Item2 != ConnectionState.Connected).Select(s => s.a));
                }
                catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
                {
                    // A service busy restoring a thousand accounts may drop a call: ask again next round.
                    still.AddRange(chunk);
                }
            }

            pending = still;
            if (pending.Count > 0)
            {
                if (watch.Elapsed > limit)
                {
                    throw new TimeoutException($"{pending.Count} account(s) not connected after {limit}:\n{Service.Tail()}");
                }

                await Task.Delay(100);
            }
        }

        return watch.Elapsed;
    }

    /// <summary>
    /// One bulk send per account (its sender → it), <paramref name="total"/> messages in all at <paramref name="rate"/>
    /// msg/s overall (0: as fast as the emulator goes); returns when the consumer has them all.
    /// </summary>
    public async Task<RunResult> SendAsync(EventConsumer consumer, IReadOnlyList<LoadAccount> accounts, string prefix, int total, double rate, bool stamp)
    {
        var perAccount = total / accounts.Count;
        var expected = perAccount * accounts.Count;
        var received = consumer.Expect(prefix, expected);
        var serviceCpu = ProcessStats.CpuTime(Service.ProcessId);
        var emulatorCpu = ProcessStats.CpuTime(Emulator.ProcessId);
        var machineBusy = ProcessStats.MachineBusy();
        var start = Stopwatch.GetTimestamp();
        var jobs = await Task.WhenAll(accounts.Select(a => Control.StartBulkAsync(a.Sender, a.Phone, perAccount, rate / accounts.Count, prefix, stamp)));
        TimeSpan? emulatorDone = null;
        var deadline = TimeSpan.FromSeconds(120 + (expected / 500.0) + (rate > 0 ? expected / rate : 0));
        while (!received.IsCompleted)
        {
            if (emulatorDone is null)
            {
                var statuses = await Task.WhenAll(jobs.Select(Control.BulkStatusAsync));
                if (statuses.FirstOrDefault(s => s.Error is not null).Error is { } error)
                {
                    throw new InvalidOperationException("bulk send failed: " + error);
                }

                if (statuses.All(s => s.Completed))
                {
                    emulatorDone = Stopwatch.GetElapsedTime(start);
                }
            }

            if (Stopwatch.GetElapsedTime(start) > deadline)
            {
                var snapshot = consumer.Snapshot();
                throw new TimeoutException($"{prefix}: the consumer has {snapshot.Received:N0} of {expected:N0} after {deadline}.\n{Service.Tail()}");
            }

            await Task.WhenAny(received, Task.Delay(50));
        }

        var (_, distinct, last, latencies) = consumer.Snapshot();
        return new RunResult(
            Stopwatch.GetElapsedTime(start, last),
            emulatorDone ?? Stopwatch.GetElapsedTime(start),
            distinct,
            ProcessStats.CpuTime(Service.ProcessId) - serviceCpu,
            ProcessStats.CpuTime(Emulator.ProcessId) - emulatorCpu,
            ProcessStats.MachineBusy() - machineBusy,
            latencies);
    }

    public async ValueTask DisposeAsync()
    {
        if (Service is not null)
        {
            await Service.DisposeAsync();
        }

        Control.Dispose();
        await Emulator.DisposeAsync();
        await Broker.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private const long Tenant = 4242;
}

/// <summary>An onboarded account: its id in the service, its test number and the emulator user who writes to it.</summary>
internal sealed record LoadAccount(string Id, string Phone, string Sender);

/// <summary>One load phase: time to the last message at the consumer, when the emulator finished sending, distinct
/// EventIds seen, CPU time of the service, the emulator and the whole machine (all cores), latencies (stamped runs).</summary>
internal sealed record RunResult(TimeSpan Elapsed, TimeSpan EmulatorDone, int Distinct, TimeSpan ServiceCpu, TimeSpan EmulatorCpu, TimeSpan MachineCpu, List<double> Latencies);
