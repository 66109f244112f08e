using BenchmarkDotNet.Running;

namespace Channel.Benchmarks;

// Run with: dotnet run -c Release --project bench/Channel.Benchmarks -- --filter '*'
// Connection figures (hand-timed against the emulator process): ... -- connection
internal static class Program
{
    private static void Main(string[] args)
    {
        if (args is ["connection", ..])
        {
            Connection.ConnectionMeasurements.RunAsync().GetAwaiter().GetResult();
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
