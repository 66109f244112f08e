using System.Globalization;
using Channel.Domain.Accounts;
using Channel.Domain.Common;

namespace Channel.Service.Onboarding;

/// <summary>
/// Checks a step's allowed statuses before Telegram is asked (so a wrong-status call costs no SMS and no flood budget).
/// The aggregate enforces the same rule again when the step records its outcome; the error has its shape.
/// </summary>
internal static class OnboardingRules
{
    public static void Require(TelegramAccount account, string action, IReadOnlyCollection<AccountStatus> allowedFrom)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(allowedFrom);
        if (allowedFrom.Contains(account.Status))
        {
            return;
        }

        throw new DomainException(
            TelegramAccount.IllegalTransitionReason,
            string.Create(CultureInfo.InvariantCulture, $"Cannot {action}: Telegram account {account.Id} is {account.Status} (allowed only from {string.Join(", ", allowedFrom)})."),
            new Dictionary<string, string>
            {
                ["account_id"] = account.Id.ToString(),
                ["status"] = account.Status.ToString(),
                ["action"] = action,
            });
    }
}
