using System.Security.Cryptography;
using Channel.Domain.Accounts;
using Microsoft.Extensions.Time.Testing;

namespace Channel.Persistence.Tests;

internal static class TestData
{
    public const string ApiHash = "5f3e0c1d9a8b7c6d5e4f30211a2b3c4d";

    // Sub-millisecond ticks on purpose: timestamps must round-trip at full precision.
    public static readonly FakeTimeProvider Time = new(new DateTimeOffset(2026, 5, 6, 7, 8, 9, TimeSpan.Zero).AddTicks(1234567));

    public static TelegramAccount NewAccount(long tenant = 7, string phone = "+4915112345678") =>
        TelegramAccount.Create(
            new HelpdeskAccountId(tenant), PhoneNumber.FromE164(phone), new ApiCredentials(123456, ApiHash), "Sales", Time);

    /// <summary>A session blob with a recognisable shape and high entropy, like real auth keys.</summary>
    public static byte[] SessionBlob(int length = 1536) => RandomNumberGenerator.GetBytes(length);

    public static ApiCredentials Credentials => new(123456, ApiHash);
}
