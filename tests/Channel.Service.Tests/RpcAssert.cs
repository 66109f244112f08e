using Google.Rpc;
using Grpc.Core;

namespace Channel.Service.Tests;

internal static class RpcAssert
{
    public static async Task<RpcException> ThrowsAsync(StatusCode expected, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(expected, error.StatusCode);
        return error;
    }

    /// <summary>The google.rpc.BadRequest field violations carried in the status details, by field name.</summary>
    public static IReadOnlyList<string> ViolatedFields(RpcException error)
    {
        var status = error.GetRpcStatus();
        Assert.NotNull(status);
        var badRequest = status.GetDetail<BadRequest>();
        Assert.NotNull(badRequest);
        return [.. badRequest.FieldViolations.Select(v => v.Field).Order(StringComparer.Ordinal)];
    }
}
