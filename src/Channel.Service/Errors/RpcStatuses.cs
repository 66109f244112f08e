using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace Channel.Service.Errors;

/// <summary>Builders for the google.rpc.Status shapes our API returns; mappers use these so all errors look alike.</summary>
public static class RpcStatuses
{
    /// <summary>The google.rpc.ErrorInfo domain of every error this service defines.</summary>
    public const string ErrorDomain = "channel.v1";

    public static Google.Rpc.Status Create(StatusCode code, string message, params IEnumerable<Google.Protobuf.IMessage> details)
    {
        var status = new Google.Rpc.Status { Code = (int)code, Message = message };
        foreach (var detail in details)
        {
            status.Details.Add(Any.Pack(detail));
        }

        return status;
    }

    public static Google.Rpc.Status InvalidArgument(IEnumerable<FieldViolation> violations)
    {
        var badRequest = new BadRequest();
        foreach (var violation in violations)
        {
            badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = violation.Field, Description = violation.Description });
        }

        return Create(StatusCode.InvalidArgument, "The request has invalid fields; see the BadRequest details.", badRequest);
    }

    public static ErrorInfo ErrorInfo(string reason, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var info = new ErrorInfo { Reason = reason, Domain = ErrorDomain };
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            info.Metadata[key] = value;
        }

        return info;
    }
}
