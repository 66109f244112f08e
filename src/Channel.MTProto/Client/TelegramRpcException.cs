using System.Globalization;

namespace Channel.MTProto.Client;

/// <summary>
/// An rpc_error answer from Telegram. <see cref="Exception.Message"/> is Telegram's text as sent
/// (e.g. <c>FLOOD_WAIT_30</c>); <see cref="ErrorName"/> is that text with its number taken out
/// (<c>FLOOD_WAIT</c>, or <c>FILE_PART_X_MISSING</c> when the number sits in the middle) and
/// <see cref="Parameter"/> the number (30).
/// </summary>
public sealed class TelegramRpcException : Exception
{
    public TelegramRpcException()
        : this(500, "UNKNOWN")
    {
    }

    public TelegramRpcException(string message)
        : this(500, message)
    {
    }

    public TelegramRpcException(string message, Exception innerException)
        : base(message, innerException)
    {
        (ErrorName, Parameter) = Parse(message);
        Code = 500;
    }

    public TelegramRpcException(int code, string message)
        : base(message)
    {
        Code = code;
        (ErrorName, Parameter) = Parse(message);
    }

    /// <summary>The error code: 303 migrate, 400 bad request, 401 unauthorized, 403, 406, 420 flood, 500.</summary>
    public int Code { get; }

    /// <summary>The error text without its number: FLOOD_WAIT, PHONE_MIGRATE, AUTH_KEY_UNREGISTERED.</summary>
    public string ErrorName { get; }

    /// <summary>The number in the error text (seconds to wait, DC to migrate to), if there is one.</summary>
    public int? Parameter { get; }

    /// <summary>FLOOD_WAIT_X, FLOOD_PREMIUM_WAIT_X or SLOWMODE_WAIT_X: retry after <see cref="RetryAfter"/>.</summary>
    public bool IsFloodWait => ErrorName is "FLOOD_WAIT" or "FLOOD_PREMIUM_WAIT" or "SLOWMODE_WAIT";

    /// <summary>PHONE_/NETWORK_/USER_/FILE_/STATS_MIGRATE_X: repeat the call on DC <see cref="MigrateToDc"/>.</summary>
    public bool IsMigrate => Code == 303 || ErrorName.EndsWith("_MIGRATE", StringComparison.Ordinal);

    /// <summary>How long Telegram asks us to wait, for flood errors.</summary>
    public TimeSpan? RetryAfter => IsFloodWait && Parameter is { } seconds ? TimeSpan.FromSeconds(seconds) : null;

    /// <summary>The DC to repeat the call on, for migrate errors.</summary>
    public int? MigrateToDc => IsMigrate ? Parameter : null;

    /// <summary>
    /// Errors after which the auth key or the account cannot be used again: the client stops and the host must
    /// act (log in again, mark the account). AUTH_KEY_UNREGISTERED is terminal only for an authorized session; before
    /// login it just means "not logged in yet".
    /// </summary>
    public bool IsTerminal(bool authorized) => ErrorName switch
    {
        "AUTH_KEY_UNREGISTERED" => authorized,
        "SESSION_REVOKED" or "SESSION_EXPIRED" or "AUTH_KEY_DUPLICATED" or "AUTH_KEY_PERM_EMPTY" => true,
        _ => ErrorName.StartsWith("USER_DEACTIVATED", StringComparison.Ordinal),
    };

    private static (string Name, int? Parameter) Parse(string text)
    {
        var segments = text.Split('_');
        for (var i = segments.Length - 1; i >= 0; i--)
        {
            if (segments[i].Length is > 0 and <= 9 && segments[i].All(char.IsAsciiDigit))
            {
                var parameter = int.Parse(segments[i], NumberStyles.None, CultureInfo.InvariantCulture);
                if (i == segments.Length - 1)
                {
                    return (string.Join('_', segments[..i]), parameter);
                }

                segments[i] = "X";
                return (string.Join('_', segments), parameter);
            }
        }

        return (text, null);
    }
}
