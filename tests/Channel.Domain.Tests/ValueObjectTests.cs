using Channel.Domain.Accounts;

namespace Channel.Domain.Tests;

public sealed class ValueObjectTests
{
    [Theory]
    [InlineData("+99966123434", "+99966****34")]
    [InlineData("+999661234534", "+99966*****34")]
    [InlineData("+4915112345678", "+49151******78")]
    [InlineData("+1234567", "+1****67")]
    public void PhoneNumberMasked_E164_HidesMiddleDigits(string e164, string masked)
    {
        var phone = PhoneNumber.FromE164(e164);

        Assert.Equal(masked, phone.Masked);
        Assert.Equal(masked, phone.ToString());
        Assert.Equal(e164, phone.E164);
    }

    [Theory]
    [InlineData("")]
    [InlineData("99966123434")]
    [InlineData("+0123456789")]
    [InlineData("+12345")]
    [InlineData("+1234567890123456")]
    [InlineData("+4915 112345")]
    [InlineData("+49151abc45678")]
    public void PhoneNumberFromE164_NotE164_Throws(string text)
    {
        Assert.False(PhoneNumber.IsE164(text));
        Assert.Throws<ArgumentException>(() => PhoneNumber.FromE164(text));
    }

    [Fact]
    public void PhoneNumber_SameDigits_AreEqual()
    {
        Assert.Equal(PhoneNumber.FromE164("+4915112345678"), PhoneNumber.FromE164("+4915112345678"));
    }

    [Theory]
    [InlineData(0, "0123456789abcdef0123456789abcdef")]
    [InlineData(-1, "0123456789abcdef0123456789abcdef")]
    public void ApiCredentials_NonPositiveApiId_Throws(int apiId, string apiHash)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ApiCredentials(apiId, apiHash));
    }

    [Theory]
    [InlineData("")]
    [InlineData("0123456789abcdef0123456789abcde")]
    [InlineData("0123456789abcdef0123456789abcdef0")]
    [InlineData("0123456789abcdef0123456789abcdeg")]
    public void ApiCredentials_MalformedHash_Throws(string apiHash)
    {
        Assert.False(ApiCredentials.IsValidApiHash(apiHash));
        Assert.Throws<ArgumentException>(() => new ApiCredentials(1, apiHash));
    }

    [Fact]
    public void ApiCredentials_ToString_NeverShowsHash()
    {
        var credentials = new ApiCredentials(7, "0123456789ABCDEF0123456789ABCDEF");

        Assert.Equal("0123456789abcdef0123456789abcdef", credentials.ApiHash);
        Assert.DoesNotContain("0123456789", credentials.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void HelpdeskAccountId_NonPositive_Throws(long value)
    {
        Assert.False(HelpdeskAccountId.IsValid(value));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HelpdeskAccountId(value));
    }

    [Theory]
    [InlineData("not-a-guid")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData(null)]
    public void TelegramAccountIdTryParse_Invalid_ReturnsFalse(string? text)
    {
        Assert.False(TelegramAccountId.TryParse(text, out _));
    }

    [Fact]
    public void TelegramAccountIdTryParse_RoundTripsToString()
    {
        var id = new TelegramAccountId(Guid.NewGuid());

        Assert.True(TelegramAccountId.TryParse(id.ToString(), out var parsed));
        Assert.Equal(id, parsed);
    }
}
