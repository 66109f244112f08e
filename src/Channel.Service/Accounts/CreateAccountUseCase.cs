using Channel.Domain.Accounts;
using Channel.Persistence;
using Channel.Persistence.Secrets;
using Channel.Service.Auth;
using Channel.Service.Errors;
using Microsoft.EntityFrameworkCore;

namespace Channel.Service.Accounts;

public sealed record CreateAccountCommand(long HelpdeskAccountId, int ApiId, string ApiHash, string PhoneNumber, string DisplayName);

/// <summary>Registers a Telegram account (status Pending) and stores its api_hash encrypted, in one transaction.</summary>
internal sealed partial class CreateAccountUseCase(
    ChannelDbContext db, AccountSecretStore secrets, IPhoneNumberParser phoneNumbers, ITenantGuard tenants, TimeProvider time,
    ILogger<CreateAccountUseCase> logger)
{
    public async Task<TelegramAccount> ExecuteAsync(CreateAccountCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var violations = new List<FieldViolation>();
        if (!HelpdeskAccountId.IsValid(command.HelpdeskAccountId))
        {
            violations.Add(new("helpdesk_account_id", "must be a positive integer."));
        }

        if (!ApiCredentials.IsValidApiId(command.ApiId))
        {
            violations.Add(new("api_id", "must be a positive integer (the api_id from my.telegram.org)."));
        }

        if (!ApiCredentials.IsValidApiHash(command.ApiHash))
        {
            violations.Add(new("api_hash", "must be 32 hexadecimal characters (the api_hash from my.telegram.org)."));
        }

        if (!phoneNumbers.TryParse(command.PhoneNumber, out var phone, out var phoneError))
        {
            violations.Add(new("phone_number", phoneError));
        }

        if (!TelegramAccount.IsValidDisplayName(command.DisplayName))
        {
            violations.Add(new("display_name", $"must be 1 to {TelegramAccount.MaxDisplayNameLength} characters and not blank."));
        }

        RequestValidationException.ThrowIfAny(violations);

        var tenant = new HelpdeskAccountId(command.HelpdeskAccountId);
        tenants.EnsureCanActFor(tenant);
        if (await db.Accounts.AnyAsync(a => a.HelpdeskAccountId == tenant && a.PhoneNumber == phone, cancellationToken))
        {
            throw new AccountAlreadyExistsException(tenant, phone!);
        }

        var credentials = new ApiCredentials(command.ApiId, command.ApiHash);
        var account = TelegramAccount.Create(tenant, phone!, credentials, command.DisplayName, time);
        db.Accounts.Add(account);
        secrets.AddApiHash(account.Id, credentials);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (db.IsUniqueConstraintViolation(exception))
        {
            // Lost a race with a concurrent create of the same phone.
            throw new AccountAlreadyExistsException(tenant, phone!);
        }

        LogCreated(logger, account.Id, tenant.Value, phone!.Masked);
        return account;
    }

    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Created Telegram account {AccountId} for helpdesk account {HelpdeskAccountId} ({Phone}).")]
    private static partial void LogCreated(ILogger logger, TelegramAccountId accountId, long helpdeskAccountId, string phone);
}
