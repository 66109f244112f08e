using System.Diagnostics.CodeAnalysis;
using Channel.Domain.Accounts;
using PhoneNumbers;
using PhoneNumber = Channel.Domain.Accounts.PhoneNumber;

namespace Channel.Service.Accounts;

/// <summary>
/// <see cref="IPhoneNumberParser"/> over libphonenumber: accepts international notation ("+44 20 7946 0958",
/// "00 44 …"), normalises to E.164 and checks the number against the numbering plan. Telegram's test numbers
/// (+99966 X YYYY, used against test DCs and our emulator) are accepted as they are, since no numbering plan knows them.
/// </summary>
internal sealed class LibPhoneNumberParser : IPhoneNumberParser
{
    private const string TelegramTestPrefix = "+99966";
    private const int TelegramTestLength = 11; // "+99966" + X + YYYY

    private readonly PhoneNumberUtil _util = PhoneNumberUtil.GetInstance();

    public bool TryParse(string? input, [NotNullWhen(true)] out PhoneNumber? phoneNumber, [NotNullWhen(false)] out string? error)
    {
        phoneNumber = null;
        if (string.IsNullOrWhiteSpace(input))
        {
            error = "is required.";
            return false;
        }

        var text = input.Trim();
        if (text.StartsWith("00", StringComparison.Ordinal))
        {
            text = string.Concat("+", text.AsSpan(2));
        }

        var compact = string.Concat(text.Where(c => c == '+' || char.IsAsciiDigit(c)));
        if (compact.StartsWith(TelegramTestPrefix, StringComparison.Ordinal) && compact.Length == TelegramTestLength)
        {
            phoneNumber = PhoneNumber.FromE164(compact);
            error = null;
            return true;
        }

        if (!text.StartsWith('+'))
        {
            error = "must be in international format, starting with + and the country code.";
            return false;
        }

        try
        {
            var parsed = _util.Parse(text, null);
            if (!_util.IsValidNumber(parsed))
            {
                error = "is not a valid phone number.";
                return false;
            }

            phoneNumber = PhoneNumber.FromE164(_util.Format(parsed, PhoneNumberFormat.E164));
            error = null;
            return true;
        }
        catch (NumberParseException)
        {
            error = "is not a phone number.";
            return false;
        }
    }
}
