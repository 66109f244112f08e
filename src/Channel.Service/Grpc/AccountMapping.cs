using Channel.Domain.Accounts;
using Google.Protobuf.WellKnownTypes;
using ProtoAccount = Channel.Grpc.V1.TelegramAccount;
using ProtoStatus = Channel.Grpc.V1.AccountStatus;

namespace Channel.Service.Grpc;

/// <summary>Domain ↔ wire. Only ids, names, status and timestamps cross; secrets have no field to go into.</summary>
internal static class AccountMapping
{
    public static ProtoAccount ToProto(this TelegramAccount account)
    {
        var message = new ProtoAccount
        {
            Id = account.Id.ToString(),
            HelpdeskAccountId = account.HelpdeskAccountId.Value,
            PhoneNumber = account.PhoneNumber.E164,
            DisplayName = account.DisplayName,
            Status = ToProto(account.Status),
            CreatedAt = Timestamp.FromDateTimeOffset(account.CreatedAt),
            UpdatedAt = Timestamp.FromDateTimeOffset(account.UpdatedAt),
        };
        if (account.Identity is { } identity)
        {
            message.TelegramUser = new Channel.Grpc.V1.TelegramUser
            {
                Id = identity.UserId,
                Username = identity.Username ?? string.Empty,
                FirstName = identity.FirstName ?? string.Empty,
                LastName = identity.LastName ?? string.Empty,
            };
        }

        return message;
    }

    public static ProtoStatus ToProto(AccountStatus status) => status switch
    {
        AccountStatus.Pending => ProtoStatus.Pending,
        AccountStatus.CodeSent => ProtoStatus.CodeSent,
        AccountStatus.PasswordRequired => ProtoStatus.PasswordRequired,
        AccountStatus.Active => ProtoStatus.Active,
        AccountStatus.LoggedOut => ProtoStatus.LoggedOut,
        AccountStatus.SessionRevoked => ProtoStatus.SessionRevoked,
        AccountStatus.Banned => ProtoStatus.Banned,
        AccountStatus.Deactivated => ProtoStatus.Deactivated,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown account status."),
    };

    /// <summary>Unspecified or unknown values map to an undefined domain value, which the use case rejects.</summary>
    public static AccountStatus FromProto(ProtoStatus status) => status switch
    {
        ProtoStatus.Pending => AccountStatus.Pending,
        ProtoStatus.CodeSent => AccountStatus.CodeSent,
        ProtoStatus.PasswordRequired => AccountStatus.PasswordRequired,
        ProtoStatus.Active => AccountStatus.Active,
        ProtoStatus.LoggedOut => AccountStatus.LoggedOut,
        ProtoStatus.SessionRevoked => AccountStatus.SessionRevoked,
        ProtoStatus.Banned => AccountStatus.Banned,
        ProtoStatus.Deactivated => AccountStatus.Deactivated,
        _ => (AccountStatus)(-1),
    };
}
