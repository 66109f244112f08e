using Channel.Domain.Accounts;
using Channel.Service.Errors;

namespace Channel.Service.Accounts;

internal static class AccountIds
{
    /// <summary>Parses a request's account id or throws INVALID_ARGUMENT naming <paramref name="field"/>.</summary>
    public static TelegramAccountId Parse(string? text, string field = "account_id") =>
        TelegramAccountId.TryParse(text, out var id)
            ? id
            : throw new RequestValidationException([new FieldViolation(field, "must be an account id (a UUID).")]);
}
