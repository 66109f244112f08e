using Google.Rpc;
using Grpc.Core;

namespace Channel.Service.Tests.Onboarding;

internal static class OnboardingAssert
{
    /// <summary>The google.rpc.ErrorInfo of a failed call; asserts it is there.</summary>
    public static ErrorInfo ErrorInfo(RpcException error)
    {
        var status = error.GetRpcStatus();
        Assert.NotNull(status);
        var info = status.GetDetail<ErrorInfo>();
        Assert.NotNull(info);
        return info;
    }

    public static async Task<ErrorInfo> FailsAsync(StatusCode code, string reason, Func<Task> call)
    {
        var error = await RpcAssert.ThrowsAsync(code, call);
        var info = ErrorInfo(error);
        Assert.Equal(reason, info.Reason);
        return info;
    }
}
