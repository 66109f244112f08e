namespace Channel.Service.Telegram;

/// <summary>
/// A login step failed on the Telegram side (an rpc_error, a typed login error, a flood wait, or Telegram could not be
/// reached). Carries what the gRPC error adds as metadata: the DC that answered and, for wrong codes, the attempts left.
/// The message never carries the phone, code or password.
/// </summary>
internal sealed class TelegramStepException(Exception innerException, int dcId, int? attemptsLeft = null)
    : Exception("A Telegram login step failed: " + TelegramFailures.ReasonOf(innerException) + ".", innerException)
{
    public int DcId { get; } = dcId;

    public int? AttemptsLeft { get; } = attemptsLeft;

    public string Reason => TelegramFailures.ReasonOf(InnerException!);
}

/// <summary>
/// One of our own limits was reached before Telegram was asked: codes per phone number (<see cref="CodesReason"/>), or
/// login calls per API key or per phone number (<see cref="Auth.LoginCallLimiter"/>).
/// </summary>
internal sealed class SendCodeRateLimitedException(TimeSpan retryAfter, string reason = SendCodeRateLimitedException.CodesReason)
    : Exception(reason == SendCodeRateLimitedException.CodesReason
        ? "Too many login codes were requested for this phone number; wait before asking again."
        : "Too many login calls for this API key or phone number; wait before trying again.")
{
    public const string CodesReason = "SEND_CODE_RATE_LIMITED";

    public TimeSpan RetryAfter { get; } = retryAfter;

    public string Reason { get; } = reason;
}
