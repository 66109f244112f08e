namespace Channel.Domain.Accounts;

/// <summary>The tenant already has an account for this phone number (one account per tenant and phone).</summary>
public sealed class AccountAlreadyExistsException(HelpdeskAccountId helpdeskAccountId, PhoneNumber phoneNumber)
    : Exception($"Helpdesk account {helpdeskAccountId} already has a Telegram account for {phoneNumber.Masked}.")
{
    public HelpdeskAccountId HelpdeskAccountId { get; } = helpdeskAccountId;

    public string MaskedPhoneNumber { get; } = phoneNumber.Masked;
}
