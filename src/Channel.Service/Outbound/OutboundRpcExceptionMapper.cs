using System.Globalization;
using Channel.Service.Errors;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace Channel.Service.Outbound;

/// <summary><see cref="OutboundException"/> as gRPC statuses: ErrorInfo reason always; RetryInfo for flood waits; a field violation on text when it is too long.</summary>
internal sealed class OutboundRpcExceptionMapper : IRpcExceptionMapper
{
    public Google.Rpc.Status? TryMap(Exception exception) => exception is OutboundException outbound ? Map(outbound) : null;

    private static Google.Rpc.Status Map(OutboundException exception)
    {
        var info = RpcStatuses.ErrorInfo(exception.Reason);
        return exception.Kind switch
        {
            OutboundFailureKind.TextTooLong => RpcStatuses.Create(StatusCode.InvalidArgument, exception.Message, BadRequestOnText(), info),
            OutboundFailureKind.NotFound => RpcStatuses.Create(StatusCode.NotFound, exception.Message, info),
            OutboundFailureKind.FloodWait => FloodWait(exception),
            OutboundFailureKind.Unavailable => RpcStatuses.Create(StatusCode.Unavailable, exception.Message, info),
            _ => RpcStatuses.Create(StatusCode.FailedPrecondition, exception.Message, info),
        };
    }

    private static Google.Rpc.Status FloodWait(OutboundException exception)
    {
        var wait = exception.RetryAfter ?? TimeSpan.Zero;
        var info = RpcStatuses.ErrorInfo(exception.Reason, new Dictionary<string, string>
        {
            ["retry_after_seconds"] = ((long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture),
        });
        return RpcStatuses.Create(StatusCode.ResourceExhausted, exception.Message, info, new RetryInfo { RetryDelay = Duration.FromTimeSpan(wait) });
    }

    private static BadRequest BadRequestOnText()
    {
        var badRequest = new BadRequest();
        badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation
        {
            Field = "text",
            Description = "is longer than Telegram's message_length_max; it is never truncated or split: shorten it or send several messages.",
        });
        return badRequest;
    }
}
