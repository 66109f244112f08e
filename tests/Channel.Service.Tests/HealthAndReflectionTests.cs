using Channel.Service.Tests.Onboarding;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;

namespace Channel.Service.Tests;

public sealed class HealthAndReflectionTests(ChannelHostFixture host) : IClassFixture<ChannelHostFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HealthCheck_RunningHost_IsServing()
    {
        var client = new Health.HealthClient(host.Channel);

        var reply = await client.CheckAsync(new HealthCheckRequest(), cancellationToken: Ct);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
    }

    [Theory]
    [InlineData("liveness")]
    [InlineData("readiness")]
    public async Task HealthCheck_ProbeServices_AreServing(string service)
    {
        var client = new Health.HealthClient(host.Channel);

        var reply = await client.CheckAsync(new HealthCheckRequest { Service = service }, cancellationToken: Ct);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
    }

    [Fact]
    public async Task HealthCheck_UnknownService_NotFound()
    {
        var client = new Health.HealthClient(host.Channel);

        await RpcAssert.ThrowsAsync(global::Grpc.Core.StatusCode.NotFound, () =>
            client.CheckAsync(new HealthCheckRequest { Service = "no-such-service" }, cancellationToken: Ct).ResponseAsync);
    }

    [Fact]
    public async Task HealthCheck_DatabaseUnreachable_ReadinessNotServingLivenessServing()
    {
        // SQL Server on a port where nothing listens, migrations off so that the host starts anyway.
        var dataDirectory = OnboardingHost.NewDataDirectory();
        try
        {
            await using var host = await OnboardingHost.StartAsync(
                dataDirectory,
                new CapturedLogs(),
                "--Logging:Console:LogLevel:Default=None",
                "--Database:Provider=SqlServer",
                "--Database:ApplyMigrationsOnStartup=false",
                "--ConnectionStrings:Channel=Server=127.0.0.1,1;Database=channel;User Id=sa;Password=unused;Encrypt=False;Connect Timeout=2",
                "--Telegram:SessionCheckInterval=0");
            var client = new Health.HealthClient(host.Channel);

            var whole = await client.CheckAsync(new HealthCheckRequest(), cancellationToken: Ct);
            var readiness = await client.CheckAsync(new HealthCheckRequest { Service = "readiness" }, cancellationToken: Ct);
            var liveness = await client.CheckAsync(new HealthCheckRequest { Service = "liveness" }, cancellationToken: Ct);

            Assert.Equal(
                (HealthCheckResponse.Types.ServingStatus.NotServing, HealthCheckResponse.Types.ServingStatus.NotServing, HealthCheckResponse.Types.ServingStatus.Serving),
                (whole.Status, readiness.Status, liveness.Status));
        }
        finally
        {
            OnboardingHost.DeleteDataDirectory(dataDirectory);
        }
    }

    [Fact]
    public async Task Reflection_ListServices_IncludesTelegramAccountsAndHealth()
    {
        var client = new ServerReflection.ServerReflectionClient(host.Channel);
        using var call = client.ServerReflectionInfo(cancellationToken: Ct);

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = string.Empty }, Ct);
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(Ct));

        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("channel.v1.TelegramAccounts", services);
        Assert.Contains("grpc.health.v1.Health", services);
    }

    [Fact]
    public async Task Reflection_FileContainingSymbol_DescribesCreateAccount()
    {
        var client = new ServerReflection.ServerReflectionClient(host.Channel);
        using var call = client.ServerReflectionInfo(cancellationToken: Ct);

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = "channel.v1.TelegramAccounts" }, Ct);
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(Ct));

        var file = Google.Protobuf.Reflection.FileDescriptorProto.Parser.ParseFrom(
            call.ResponseStream.Current.FileDescriptorResponse.FileDescriptorProto[0]);
        Assert.Equal("channel.v1", file.Package);
        Assert.Contains(file.Service.Single().Method, m => m.Name == "CreateAccount");
    }
}
