using System.Threading.RateLimiting;
using Channel.Domain.Accounts;

namespace Channel.Service.Auth;

/// <summary>
/// In-memory fixed windows (<c>Auth:RateLimit:*</c>) on the login RPCs, per API key and per phone number, so one key
/// (or one leaked key) cannot hammer Telegram through every account, nor anyone through one account. Per replica: the
/// database-backed Onboarding:SendCodeLimit stays the cross-replica bound on codes sent.
/// </summary>
internal sealed class LoginCallLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _perKey;
    private readonly PartitionedRateLimiter<string> _perPhone;

    public LoginCallLimiter(AuthSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _perKey = Create(settings.PerKeyLimit, settings.Window);
        _perPhone = Create(settings.PerPhoneLimit, settings.Window);
    }

    /// <summary>Takes one call for <paramref name="caller"/> and <paramref name="phone"/>; the wait until allowed when either is exhausted.</summary>
    public LimitVerdict TryAcquire(Caller caller, PhoneNumber phone)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(phone);
        using var key = _perKey.AttemptAcquire(caller.Name);
        if (!key.IsAcquired)
        {
            return new LimitVerdict(false, RetryAfter(key), "API_KEY_RATE_LIMITED");
        }

        using var perPhone = _perPhone.AttemptAcquire(phone.E164);
        return perPhone.IsAcquired ? new LimitVerdict(true, TimeSpan.Zero, string.Empty) : new LimitVerdict(false, RetryAfter(perPhone), "PHONE_RATE_LIMITED");
    }

    public void Dispose()
    {
        _perKey.Dispose();
        _perPhone.Dispose();
    }

    private static TimeSpan RetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) && wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1);

    private static PartitionedRateLimiter<string> Create(int permits, TimeSpan window) =>
        PartitionedRateLimiter.Create<string, string>(partition => RateLimitPartition.GetFixedWindowLimiter(
            partition, _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = window, QueueLimit = 0, AutoReplenishment = true }));
}

/// <summary>Whether a login call may go ahead; otherwise the reason (ErrorInfo) and when to retry (RetryInfo).</summary>
internal readonly record struct LimitVerdict(bool Allowed, TimeSpan RetryAfter, string Reason);
