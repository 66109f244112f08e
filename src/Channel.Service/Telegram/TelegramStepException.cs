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

/// <summary>Our own SendCode limit per phone number was reached before Telegram was asked.</summary>
internal sealed class SendCodeRateLimitedException(TimeSpan retryAfter)
    : Exception("Too many login codes were requested for this phone number; wait before asking again.")
{
    public const string Reason = "SEND_CODE_RATE_LIMITED";

    public TimeSpan RetryAfter { get; } = retryAfter;
}
