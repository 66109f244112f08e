using Channel.Domain.Accounts;
using Channel.Domain.Common;
using Channel.Service.Auth;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;

namespace Channel.Service.Errors;

/// <summary>The errors of the account API itself: validation, not found, duplicate, state rules, concurrency.</summary>
internal sealed class CoreRpcExceptionMapper : IRpcExceptionMapper
{
    public Google.Rpc.Status? TryMap(Exception exception) => exception switch
    {
        RequestValidationException e => RpcStatuses.InvalidArgument(e.Violations),
        AccountNotFoundException e => RpcStatuses.Create(
            StatusCode.NotFound, e.Message, RpcStatuses.ErrorInfo("ACCOUNT_NOT_FOUND", new Dictionary<string, string> { ["account_id"] = e.AccountId.ToString() })),
        TenantAccessDeniedException e => RpcStatuses.Create(
            StatusCode.PermissionDenied, e.Message, RpcStatuses.ErrorInfo(TenantAccessDeniedException.Reason, new Dictionary<string, string> { ["helpdesk_account_id"] = e.Tenant.ToString() })),
        AccountAlreadyExistsException e => RpcStatuses.Create(StatusCode.AlreadyExists, e.Message, RpcStatuses.ErrorInfo("ACCOUNT_ALREADY_EXISTS")),
        DomainException e => RpcStatuses.Create(StatusCode.FailedPrecondition, e.Message, RpcStatuses.ErrorInfo(e.Reason, e.Metadata)),
        DbUpdateConcurrencyException => RpcStatuses.Create(
            StatusCode.Aborted, "The account was changed by another request; read it again and retry.", RpcStatuses.ErrorInfo("CONCURRENT_MODIFICATION")),
        _ => null,
    };
}
