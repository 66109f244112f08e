using System.Globalization;
using Channel.MTProto.Client;
using Channel.MTProto.Login;
using Channel.Service.Errors;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace Channel.Service.Telegram;

/// <summary>
/// Telegram failures of the onboarding RPCs as gRPC statuses (the table in the README): ErrorInfo reason = the
/// Telegram error name, metadata <c>dc</c> and, for a wrong code, <c>attempts_left</c>; RetryInfo for flood waits.
/// Messages are ours and fixed: Telegram's text only ever appears as the reason.
/// </summary>
internal sealed class TelegramRpcExceptionMapper : IRpcExceptionMapper
{
    public Google.Rpc.Status? TryMap(Exception exception) => exception switch
    {
        SendCodeRateLimitedException limited => RpcStatuses.Create(
            StatusCode.ResourceExhausted, limited.Message, RpcStatuses.ErrorInfo(limited.Reason), RetryInfo(limited.RetryAfter)),
        TelegramStepException step => Map(step),
        _ => null,
    };

    private static Google.Rpc.Status Map(TelegramStepException step)
    {
        var inner = step.InnerException!;
        var reason = step.Reason;
        var metadata = new Dictionary<string, string> { ["dc"] = step.DcId.ToString(CultureInfo.InvariantCulture) };
        if (step.AttemptsLeft is { } left)
        {
            metadata["attempts_left"] = left.ToString(CultureInfo.InvariantCulture);
        }

        if (inner is FloodWaitException flood)
        {
            metadata["retry_after_seconds"] = ((long)flood.Wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            return RpcStatuses.Create(
                StatusCode.ResourceExhausted, "Telegram asks to wait before this is tried again; see RetryInfo.",
                RpcStatuses.ErrorInfo(reason, metadata), RetryInfo(flood.Wait));
        }

        var (code, message) = inner switch
        {
            LoginException login => login.Failure switch
            {
                LoginFailure.PhoneCodeInvalid => (StatusCode.InvalidArgument, step.AttemptsLeft is 0
                    ? "The login code is wrong and no attempts are left: the code was cancelled; call SendCode again."
                    : "The login code is wrong; check it and try again."),
                LoginFailure.PhoneCodeExpired => (StatusCode.FailedPrecondition, "The login code expired; call SendCode again."),
                LoginFailure.PasswordInvalid => (StatusCode.InvalidArgument, step.AttemptsLeft is 0
                    ? "The two-step verification password is wrong and no attempts are left: the login was cancelled; call SendCode again."
                    : "The two-step verification password is wrong."),
                LoginFailure.PhoneNumberInvalid => (StatusCode.InvalidArgument, "Telegram says the phone number is invalid."),
                LoginFailure.PhoneNumberBanned => (StatusCode.PermissionDenied, "Telegram has banned this phone number."),
                LoginFailure.SignUpRequired => (StatusCode.FailedPrecondition, "The phone number has no Telegram account; sign up in an official Telegram app first."),
                LoginFailure.NoPendingLogin => (StatusCode.FailedPrecondition, "No login is pending on Telegram's side; call SendCode again."),
                LoginFailure.Restarted => (StatusCode.FailedPrecondition, "Telegram restarted the login and sent a new code; verify that one."),
                _ => (StatusCode.FailedPrecondition, "Telegram asks for a login step this service does not support; use an official app."),
            },
            MTProtoTerminalException => (StatusCode.FailedPrecondition, "Telegram ended the account's session; log in again."),
            TelegramRpcException { Code: >= 500 } => (StatusCode.Internal, "Telegram failed internally; try again later."),
            TelegramRpcException => (StatusCode.Unknown, "Telegram refused the request; see the ErrorInfo reason."),
            _ when TelegramFailures.IsUnreachable(inner) => (StatusCode.Unavailable, "Telegram cannot be reached right now; try again later."),
            _ => (StatusCode.Unknown, "The Telegram connection failed; see the ErrorInfo reason."),
        };

        return RpcStatuses.Create(code, message, RpcStatuses.ErrorInfo(reason, metadata));
    }

    private static RetryInfo RetryInfo(TimeSpan wait) => new() { RetryDelay = Duration.FromTimeSpan(wait) };
}
