using System.Diagnostics.CodeAnalysis;

namespace Channel.Domain.Accounts;

/// <summary>Turns user input ("+44 20 7946 0958", "0044…") into an E.164 <see cref="PhoneNumber"/>.</summary>
public interface IPhoneNumberParser
{
    /// <returns>false with a human-readable <paramref name="error"/> (no digits echoed back) when the input is not a valid number.</returns>
    bool TryParse(string? input, [NotNullWhen(true)] out PhoneNumber? phoneNumber, [NotNullWhen(false)] out string? error);
}
