using BenchmarkDotNet.Running;

namespace Channel.Benchmarks;

// Run with: dotnet run -c Release --project bench/Channel.Benchmarks -- --filter '*'
// Connection figures (hand-timed against the emulator process): ... -- connection
// Inbound load (emulator → service → RabbitMQ → consumer, all processes): ... -- inbound --accounts 1,10,100 --messages 50000
// Outbound load (bus command → service → emulator user, flood pacing off): ... -- outbound --phases 1:2000,100:5000
// Idle accounts (memory per account, restart time): ... -- inbound-idle --accounts 1000
// Media MiB/s through the service beside a loopback copy: ... -- media --size-mib 20 --parallel 10
internal static class Program
{
    private static void Main(string[] args)
    {
        if (args is ["connection", ..])
        {
            Connection.ConnectionMeasurements.RunAsync().GetAwaiter().GetResult();
            return;
        }

        if (args is ["inbound-idle", ..])
        {
            Inbound.IdleMeasurements.RunAsync(args).GetAwaiter().GetResult();
            return;
        }

        if (args is ["inbound", ..])
        {
            Inbound.InboundMeasurements.RunAsync(args).GetAwaiter().GetResult();
            return;
        }

        if (args is ["media", ..])
        {
            Media.MediaMeasurements.RunAsync(args).GetAwaiter().GetResult();
            return;
        }

        if (args is ["outbound", ..])
        {
            Outbound.OutboundMeasurements.RunAsync(args).GetAwaiter().GetResult();
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
