namespace Channel.Domain.Accounts;

/// <summary>Who the account is on Telegram, known once a login succeeds.</summary>
public sealed record TelegramIdentity
{
    public TelegramIdentity(long userId, string? username, string? firstName, string? lastName)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(userId);
        UserId = userId;
        Username = NullIfBlank(username);
        FirstName = NullIfBlank(firstName);
        LastName = NullIfBlank(lastName);
    }

    public long UserId { get; }

    public string? Username { get; }

    public string? FirstName { get; }

    public string? LastName { get; }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
