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
