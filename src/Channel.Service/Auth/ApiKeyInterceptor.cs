using System.Security.Cryptography;
using System.Text;
using Channel.Service.Errors;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Channel.Service.Auth;

/// <summary>
/// Every gRPC call but health and reflection carries <c>authorization: Bearer &lt;key&gt;</c>; the key's SHA-256 is
/// compared in constant time with every configured hash, and the matching key becomes the call's
/// <see cref="CallerScope.Caller"/>. No or an unknown key: UNAUTHENTICATED. What the caller may see is decided by the
/// use cases through <see cref="ITenantGuard"/>.
/// </summary>
internal sealed partial class ApiKeyInterceptor(AuthSettings settings, CallerScope scope, ILogger<ApiKeyInterceptor> logger) : Interceptor
{
    private const string BearerPrefix = "Bearer ";

    // Probes and tooling must work without a key; they expose no tenant data.
    private static readonly string[] OpenServicePrefixes = ["/grpc.health.v1.Health/", "/grpc.reflection.v1alpha.ServerReflection/", "/grpc.reflection.v1.ServerReflection/"];

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(requestStream, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(request, responseStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(requestStream, responseStream, context);
    }

    /// <summary>The configured key whose hash is the SHA-256 of <paramref name="presented"/>, or null. Looks at every key whatever matches.</summary>
    internal static ApiKey? Match(IReadOnlyList<ApiKey> keys, string presented)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), hash);
        ApiKey? match = null;
        foreach (var key in keys)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, key.Sha256))
            {
                match = key;
            }
        }

        return match;
    }

    private void Authenticate(ServerCallContext context)
    {
        if (settings.Disabled || Array.Exists(OpenServicePrefixes, prefix => context.Method.StartsWith(prefix, StringComparison.Ordinal)))
        {
            return;
        }

        var header = context.RequestHeaders.GetValue("authorization");
        if (header is null || !header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase) || header.Length == BearerPrefix.Length)
        {
            LogRejected(logger, context.Method, "no bearer key");
            throw Unauthenticated("Send the API key as 'authorization: Bearer <key>'.");
        }

        var key = Match(settings.ApiKeys, header[BearerPrefix.Length..].Trim());
        if (key is null)
        {
            LogRejected(logger, context.Method, "unknown key");
            throw Unauthenticated("The API key is not valid.");
        }

        scope.Caller = Caller.For(key);
    }

    private static RpcException Unauthenticated(string message) =>
        RpcStatuses.Create(StatusCode.Unauthenticated, message, RpcStatuses.ErrorInfo("API_KEY_INVALID")).ToRpcException();

    [LoggerMessage(EventId = 2100, Level = LogLevel.Warning, Message = "{Method} was refused: {Problem}.")]
    private static partial void LogRejected(ILogger logger, string method, string problem);
}
