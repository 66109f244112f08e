namespace Channel.Service.Hosting;

/// <summary>The service names grpc.health.v1.Health answers for, besides "" (the whole server).</summary>
internal static class HealthServices
{
    public const string Liveness = "liveness";

    public const string Readiness = "readiness";
}
