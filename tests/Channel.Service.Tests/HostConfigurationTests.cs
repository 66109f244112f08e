extern alias service;

using Channel.Persistence.Configuration;
using ChannelHost = service::Channel.Service.Hosting.ChannelHost;

namespace Channel.Service.Tests;

public sealed class HostConfigurationTests
{
    [Theory]
    [InlineData("--Service:ListenUrl=https://127.0.0.1:5000", "Service:ListenUrl")]
    [InlineData("--Service:ListenUrl=not a url", "Service:ListenUrl")]
    [InlineData("--Database:Provider=Oracle", "Database:Provider")]
    [InlineData("--Database:Provider=SqlServer", "ConnectionStrings:Channel")]
    [InlineData("--Database:Provider=PostgreSql", "ConnectionStrings:PostgreSql")]
    [InlineData("--DataProtection:KeyEncryptionKey=short", "DataProtection:KeyEncryptionKey")]
    [InlineData("--Bus:Transport=Kafka", "Bus:Transport")]
    [InlineData("--Bus:Transport=1", "Bus:Transport")]
    [InlineData("--Outbox:Publisher=Fast", "Outbox:Publisher")]
    [InlineData("--Outbox:Publisher=1", "Outbox:Publisher")]
    [InlineData("--Outbox:PublishWindow=0", "Outbox:PublishWindow")]
    public void Build_InvalidConfiguration_FailsNamingTheKey(string argument, string key)
    {
        var error = Assert.Throws<InvalidConfigurationException>(() => ChannelHost.Build([argument]));

        Assert.Equal(key, error.Key);
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }


    [Fact]
    public async Task Run_InvalidConfiguration_PrintsOneLineNamingTheKeyAndExitsWith2()
    {
        // The real executable, as an operator would start it.
        var startInfo = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "Channel.Service.dll"), "--Database:Provider=Oracle" },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        using var process = System.Diagnostics.Process.Start(startInfo)!;
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(2, process.ExitCode);
        Assert.Equal(
            ["Invalid configuration 'Database:Provider': expected 'Sqlite', 'SqlServer' or 'PostgreSql'."],
            (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Empty(await stdout);
    }
}
