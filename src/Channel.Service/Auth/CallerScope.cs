namespace Channel.Service.Auth;

/// <summary>
/// The caller of the current DI scope. <see cref="ApiKeyInterceptor"/> sets it for every gRPC call before the service
/// runs; scopes that are not gRPC calls (background work) act as <see cref="Caller.Service"/>.
/// </summary>
internal sealed class CallerScope
{
    public Caller Caller { get; set; } = Caller.Service;
}
