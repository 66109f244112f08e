namespace Channel.Service.Errors;

/// <summary>
/// Turns an exception of a kind it knows into a rich gRPC status (google.rpc.Status with details).
/// <see cref="ExceptionMappingInterceptor"/> asks every registered mapper in registration order and uses the first
/// answer. Later features add their own (for instance Telegram errors: FLOOD_WAIT → RESOURCE_EXHAUSTED with
/// google.rpc.RetryInfo) with <c>services.AddSingleton&lt;IRpcExceptionMapper, TheirMapper&gt;()</c>.
/// </summary>
public interface IRpcExceptionMapper
{
    /// <returns>The status to send, or null when this mapper does not know the exception.</returns>
    Google.Rpc.Status? TryMap(Exception exception);
}
