namespace Channel.MTProto.Emulator.Rpc;

/// <summary>What a handler returns: a serialized TL result, or an rpc_error.</summary>
/// <param name="Uncompressed">Never gzip_packed, whatever its length (file bytes: packing them costs CPU and saves nothing).</param>
internal readonly record struct RpcAnswer(byte[]? Result, int ErrorCode, string? ErrorMessage, bool Uncompressed = false)
{
    public bool IsError => Result is null;

    public static RpcAnswer Ok(byte[] result) => new(result, 0, null);

    public static RpcAnswer OkUncompressed(byte[] result) => new(result, 0, null, Uncompressed: true);

    public static RpcAnswer Error(int code, string message) => new(null, code, message);

    /// <summary>The method is not implemented by the emulator (yet).</summary>
    public static RpcAnswer MethodInvalid { get; } = Error(400, "INPUT_METHOD_INVALID");

    /// <summary>The request body could not be parsed.</summary>
    public static RpcAnswer RequestInvalid { get; } = Error(400, "INPUT_REQUEST_INVALID");
}

/// <summary>Thrown by a handler to answer with rpc_error (e.g. 400 PHONE_CODE_INVALID, 420 FLOOD_WAIT_30).</summary>
internal sealed class RpcErrorException(int code, string errorMessage) : Exception($"{code} {errorMessage}")
{
    public int Code { get; } = code;

    public string ErrorMessage { get; } = errorMessage;
}
