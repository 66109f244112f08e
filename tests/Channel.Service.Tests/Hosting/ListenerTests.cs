using System.Net;
using Channel.Service.Tests.Inbound;
using Channel.Service.Tests.Onboarding;
using Grpc.Health.V1;

namespace Channel.Service.Tests.Hosting;

/// <summary>
/// The gRPC listener goes where the platform says (--urls, ASPNETCORE_HTTP_PORTS, Kestrel:Endpoints) before
/// Service:ListenUrl; the HTTP/1.1 management listener serves the probes and nothing else.
/// </summary>
public sealed class ListenerTests : IDisposable
{
    private readonly string _dataDirectory = OnboardingHost.NewDataDirectory();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Urls_OverrideServiceListenUrl()
    {
        var port = ServiceProcess.FreePort();

        await using var host = await OnboardingHost.StartAsync(_dataDirectory, new CapturedLogs(), $"--urls=http://127.0.0.1:{port}");

        Assert.Equal(new Uri($"http://127.0.0.1:{port}"), new Uri(host.Address));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await LivenessAsync(host.Address)).Status);
    }

    [Fact]
    public async Task KestrelEndpoints_OverrideEverything_AndServeHttp2()
    {
        var port = ServiceProcess.FreePort();

        await using var host = await OnboardingHost.StartAsync(
            _dataDirectory, new CapturedLogs(), $"--Kestrel:Endpoints:Grpc:Url=http://127.0.0.1:{port}", $"--urls=http://127.0.0.1:{ServiceProcess.FreePort()}");

        Assert.Equal(new Uri($"http://127.0.0.1:{port}"), new Uri(host.Address));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await LivenessAsync(host.Address)).Status);
    }

    [Fact]
    public async Task AspNetCoreHttpPorts_InTheEnvironment_ServiceListensThere()
    {
        var port = ServiceProcess.FreePort();

        // Service:ListenUrl names another port: the platform's setting wins.
        await using var service = await ServiceProcess.StartAsync(
            port,
            [$"--Storage:DataDirectory={_dataDirectory}", $"--Service:ListenUrl=http://127.0.0.1:{ServiceProcess.FreePort()}"],
            new Dictionary<string, string> { ["ASPNETCORE_HTTP_PORTS"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            Ct);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await LivenessAsync(service.Address)).Status);
    }

    [Fact]
    public async Task ManagementListener_ProbesOverHttp11_OnlyThere()
    {
        await using var host = await OnboardingHost.StartAsync(_dataDirectory, new CapturedLogs());
        using var http = new HttpClient { BaseAddress = host.ManagementAddress, DefaultRequestVersion = HttpVersion.Version11 };

        using var live = await http.GetAsync(new Uri("/healthz/live", UriKind.Relative), Ct);
        var ready = await Eventually.ReachedAsync(
            async () => (await http.GetAsync(new Uri("/healthz/ready", UriKind.Relative), Ct)).StatusCode, status => status == HttpStatusCode.OK);
        using var grpcOnManagement = await http.GetAsync(new Uri("/grpc.health.v1.Health/Check", UriKind.Relative), Ct);
        using var h2 = new HttpClient { BaseAddress = new Uri(host.Address), DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var probeOnGrpcPort = await h2.GetAsync(new Uri("/healthz/live", UriKind.Relative), Ct);

        Assert.Equal((HttpStatusCode.OK, HttpVersion.Version11), (live.StatusCode, live.Version));
        Assert.Equal("Healthy", await live.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.OK, ready);
        Assert.Equal(HttpStatusCode.NotFound, grpcOnManagement.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, probeOnGrpcPort.StatusCode);
    }

    [Fact]
    public async Task BrokerUnreachable_ReadinessNotServingAnd503_LivenessServing()
    {
        // RabbitMQ on a port where nothing listens: the host starts (the outbox absorbs the outage) but is not ready.
        await using var host = await OnboardingHost.StartAsync(
            _dataDirectory, new CapturedLogs(), "--Bus:Transport=RabbitMq", $"--ConnectionStrings:RabbitMq=amqp://guest:guest@127.0.0.1:{ServiceProcess.FreePort()}/",
            "--Logging:Console:LogLevel:Default=None");
        var health = new Health.HealthClient(host.Channel);
        using var http = new HttpClient { BaseAddress = host.ManagementAddress };

        var readiness = await health.CheckAsync(new HealthCheckRequest { Service = "readiness" }, cancellationToken: Ct);
        var whole = await health.CheckAsync(new HealthCheckRequest(), cancellationToken: Ct);
        var liveness = await health.CheckAsync(new HealthCheckRequest { Service = "liveness" }, cancellationToken: Ct);
        using var ready = await http.GetAsync(new Uri("/healthz/ready", UriKind.Relative), Ct);
        using var live = await http.GetAsync(new Uri("/healthz/live", UriKind.Relative), Ct);

        Assert.Equal(
            (HealthCheckResponse.Types.ServingStatus.NotServing, HealthCheckResponse.Types.ServingStatus.NotServing, HealthCheckResponse.Types.ServingStatus.Serving),
            (readiness.Status, whole.Status, liveness.Status));
        Assert.Equal((HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK), (ready.StatusCode, live.StatusCode));
    }

    public void Dispose() => OnboardingHost.DeleteDataDirectory(_dataDirectory);

    private static async Task<HealthCheckResponse> LivenessAsync(string address)
    {
        using var channel = global::Grpc.Net.Client.GrpcChannel.ForAddress(address);
        return await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest { Service = "liveness" }, cancellationToken: Ct);
    }
}
