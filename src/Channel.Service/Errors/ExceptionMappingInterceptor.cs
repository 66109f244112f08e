using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Channel.Service.Errors;

/// <summary>
/// The one place exceptions become gRPC statuses, so services stay thin. Known exceptions go through the registered
/// <see cref="IRpcExceptionMapper"/>s; anything else is INTERNAL with a generic message (details only in the log).
/// </summary>
internal sealed partial class ExceptionMappingInterceptor(
    IEnumerable<IRpcExceptionMapper> mappers, ILogger<ExceptionMappingInterceptor> logger) : Interceptor
{
    private readonly IRpcExceptionMapper[] _mappers = [.. mappers];

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception exception) when (exception is not RpcException)
        {
            throw Map(exception, context);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context);
        }
        catch (Exception exception) when (exception is not RpcException)
        {
            throw Map(exception, context);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception exception) when (exception is not RpcException)
        {
            throw Map(exception, context);
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context);
        }
        catch (Exception exception) when (exception is not RpcException)
        {
            throw Map(exception, context);
        }
    }

    internal RpcException Map(Exception exception, ServerCallContext context)
    {
        if (exception is OperationCanceledException && context.CancellationToken.IsCancellationRequested)
        {
            return RpcStatuses.Create(StatusCode.Cancelled, "The call was cancelled.").ToRpcException();
        }

        foreach (var mapper in _mappers)
        {
            if (mapper.TryMap(exception) is { } status)
            {
                LogMapped(logger, context.Method, (StatusCode)status.Code, exception.GetType().Name);
                return status.ToRpcException();
            }
        }

        LogUnexpected(logger, context.Method, exception);
        return RpcStatuses.Create(StatusCode.Internal, "An internal error occurred.").ToRpcException();
    }

    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "{Method} failed with {StatusCode} ({ExceptionType}).")]
    private static partial void LogMapped(ILogger logger, string method, StatusCode statusCode, string exceptionType);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "{Method} failed unexpectedly; the client got INTERNAL.")]
    private static partial void LogUnexpected(ILogger logger, string method, Exception exception);
}
