extern alias service;

using Channel.Domain.Accounts;
using Channel.Domain.Common;
using Google.Rpc;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using CoreRpcExceptionMapper = service::Channel.Service.Errors.CoreRpcExceptionMapper;
using ExceptionMappingInterceptor = service::Channel.Service.Errors.ExceptionMappingInterceptor;
using FieldViolation = service::Channel.Service.Errors.FieldViolation;
using IRpcExceptionMapper = service::Channel.Service.Errors.IRpcExceptionMapper;
using RequestValidationException = service::Channel.Service.Errors.RequestValidationException;
using RpcStatuses = service::Channel.Service.Errors.RpcStatuses;

namespace Channel.Service.Tests;

/// <summary>
/// The mappings no account RPC can trigger yet (the state-changing RPCs arrive with the login feature), checked on
/// the interceptor itself, including the serialised status details a client receives.
/// </summary>
public sealed class ExceptionMappingInterceptorTests
{
    private static ExceptionMappingInterceptor Interceptor(params IRpcExceptionMapper[] extra) =>
        new([new CoreRpcExceptionMapper(), .. extra], NullLogger<ExceptionMappingInterceptor>.Instance);

    private static async Task<RpcException> CallThrowingAsync(Exception exception, ExceptionMappingInterceptor? interceptor = null, CancellationToken? callToken = null)
    {
        var context = new FakeServerCallContext(callToken ?? TestContext.Current.CancellationToken);
        return await Assert.ThrowsAsync<RpcException>(() =>
            (interceptor ?? Interceptor()).UnaryServerHandler<string, string>("request", context, (_, _) => throw exception));
    }

    [Fact]
    public async Task DomainException_IsFailedPreconditionWithErrorInfoReason()
    {
        var exception = new DomainException(
            TelegramAccount.IllegalTransitionReason, "Cannot log out: account is Pending.", new Dictionary<string, string> { ["status"] = "Pending" });

        var error = await CallThrowingAsync(exception);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        var info = error.GetRpcStatus()!.GetDetail<ErrorInfo>();
        Assert.NotNull(info);
        Assert.Equal("ACCOUNT_STATE_INVALID", info.Reason);
        Assert.Equal(RpcStatuses.ErrorDomain, info.Domain);
        Assert.Equal("Pending", info.Metadata["status"]);
        Assert.Equal("Cannot log out: account is Pending.", error.Status.Detail);
    }

    [Fact]
    public async Task ConcurrencyConflict_IsAborted()
    {
        var error = await CallThrowingAsync(new DbUpdateConcurrencyException("row changed"));

        Assert.Equal(StatusCode.Aborted, error.StatusCode);
        Assert.Equal("CONCURRENT_MODIFICATION", error.GetRpcStatus()!.GetDetail<ErrorInfo>()!.Reason);
    }

    [Fact]
    public async Task ValidationException_IsInvalidArgumentWithFieldViolations()
    {
        var error = await CallThrowingAsync(new RequestValidationException([new FieldViolation("api_id", "must be positive.")]));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var violation = Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations);
        Assert.Equal("api_id", violation.Field);
        Assert.Equal("must be positive.", violation.Description);
    }

    [Fact]
    public async Task NotFoundAndDuplicate_MapToTheirCodes()
    {
        var id = new TelegramAccountId(Guid.NewGuid());

        Assert.Equal(StatusCode.NotFound, (await CallThrowingAsync(new AccountNotFoundException(id))).StatusCode);
        var duplicate = await CallThrowingAsync(new AccountAlreadyExistsException(new HelpdeskAccountId(1), PhoneNumber.FromE164("+4915112345678")));
        Assert.Equal(StatusCode.AlreadyExists, duplicate.StatusCode);
        Assert.DoesNotContain("+4915112345678", duplicate.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnexpectedException_IsInternalWithoutDetails()
    {
        var error = await CallThrowingAsync(new InvalidOperationException("connection string Password=hunter2"));

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.DoesNotContain("hunter2", error.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperation", error.Status.Detail, StringComparison.Ordinal);
        Assert.Empty(error.GetRpcStatus()!.Details);
    }

    [Fact]
    public async Task CancelledCall_IsCancelled()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var error = await CallThrowingAsync(new OperationCanceledException(cancelled.Token), callToken: cancelled.Token);

        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
    }

    [Fact]
    public async Task AddedMapper_HandlesItsOwnException_WithRetryInfo()
    {
        // The shape later features use for Telegram errors such as FLOOD_WAIT_X.
        var interceptor = Interceptor(new FloodWaitMapper());

        var error = await CallThrowingAsync(new TimeoutException("FLOOD_WAIT_30"), interceptor);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Equal(30, error.GetRpcStatus()!.GetDetail<RetryInfo>()!.RetryDelay.Seconds);
    }

    [Fact]
    public async Task RpcException_PassesThroughUnchanged()
    {
        var original = new RpcException(new global::Grpc.Core.Status(StatusCode.Unauthenticated, "no key"));

        var error = await CallThrowingAsync(original);

        Assert.Same(original, error);
    }

    private sealed class FloodWaitMapper : IRpcExceptionMapper
    {
        public Google.Rpc.Status? TryMap(Exception exception) => exception is TimeoutException
            ? RpcStatuses.Create(StatusCode.ResourceExhausted, "Telegram asks to wait.", new RetryInfo { RetryDelay = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromSeconds(30)) })
            : null;
    }

    private sealed class FakeServerCallContext(CancellationToken cancellationToken) : ServerCallContext
    {
        protected override string MethodCore => "/channel.v1.TelegramAccounts/Test";

        protected override string HostCore => "localhost";

        protected override string PeerCore => "ipv4:127.0.0.1:1";

        protected override DateTime DeadlineCore => DateTime.MaxValue;

        protected override Metadata RequestHeadersCore { get; } = [];

        protected override CancellationToken CancellationTokenCore => cancellationToken;

        protected override Metadata ResponseTrailersCore { get; } = [];

        protected override global::Grpc.Core.Status StatusCore { get; set; }

        protected override WriteOptions? WriteOptionsCore { get; set; }

        protected override AuthContext AuthContextCore { get; } = new(null, []);

        protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) =>
            throw new NotSupportedException();

        protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
    }
}
