using BenchmarkDotNet.Running;

namespace Channel.Benchmarks;

// Run with: dotnet run -c Release --project bench/Channel.Benchmarks -- --filter '*'
internal static class Program
{
    private static void Main(string[] args) =>
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
