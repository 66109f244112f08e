namespace Channel.Service.Outbound;

/// <summary>Our ErrorInfo / OutboundMessageFailed reasons (Telegram's own error names are passed on as they are).</summary>
internal static class OutboundReasons
{
    public const string PeerNotFound = "PEER_NOT_FOUND";
    public const string MessageTooLong = "MESSAGE_TOO_LONG";
    public const string InvalidCommand = "INVALID_COMMAND";
    public const string AccountNotFound = "ACCOUNT_NOT_FOUND";
    public const string AccountNotActive = "ACCOUNT_NOT_ACTIVE";
    public const string AccountNotConnected = "ACCOUNT_NOT_CONNECTED";
    public const string FloodWait = "FLOOD_WAIT";
    public const string MediaUploadExpired = "MEDIA_UPLOAD_EXPIRED";
}
