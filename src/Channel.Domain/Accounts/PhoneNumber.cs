using System.Diagnostics.CodeAnalysis;

namespace Channel.Domain.Accounts;

/// <summary>
/// A phone number in E.164 form (<c>+</c> and 7–15 digits, no leading zero in the country code).
/// The domain checks only the shape; parsing free-form input and checking numbering plans happens behind
/// <see cref="IPhoneNumberParser"/>. <see cref="ToString"/> is masked so a phone never lands in a log by accident;
/// use <see cref="E164"/> where the full number is really needed.
/// </summary>
public sealed record PhoneNumber
{
    private const int MinDigits = 7;
    private const int MaxDigits = 15;

    private PhoneNumber(string e164) => E164 = e164;

    /// <summary>The full number, for example <c>+99966123434</c>. Never log it.</summary>
    public string E164 { get; }

    /// <summary>The number with the middle digits hidden, for example <c>+99966****34</c>; safe for logs.</summary>
    public string Masked
    {
        get
        {
            // Keep up to 5 leading digits (country code and operator prefix) and the last 2, and always hide at least 4.
            const int Tail = 2;
            const int MinHidden = 4;
            var digits = E164.AsSpan(1);
            var head = Math.Clamp(digits.Length - Tail - MinHidden, 1, 5);
            var hidden = digits.Length - head - Tail;
            return string.Concat("+", digits[..head], new string('*', hidden), digits[^Tail..]);
        }
    }

    public static PhoneNumber FromE164(string e164)
    {
        if (!IsE164(e164))
        {
            throw new ArgumentException("The phone number is not in E.164 form (+ followed by 7 to 15 digits).", nameof(e164));
        }

        return new PhoneNumber(e164);
    }

    public static bool IsE164([NotNullWhen(true)] string? text)
    {
        if (text is null || text.Length < MinDigits + 1 || text.Length > MaxDigits + 1 || text[0] != '+' || text[1] == '0')
        {
            return false;
        }

        foreach (var c in text.AsSpan(1))
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() => Masked;
}
