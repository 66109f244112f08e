namespace Channel.MTProto.Accounts;

/// <summary>Where an account's live connection stands.</summary>
public enum AccountConnectionState
{
    /// <summary>Created or started; the first connection to the main DC is not up yet.</summary>
    Connecting,

    /// <summary>The main DC's connection is up.</summary>
    Connected,

    /// <summary>The main DC's connection was lost; the client reconnects with backoff.</summary>
    Reconnecting,

    /// <summary>For good: disposed, or a terminal Telegram error (see <see cref="IAccountConnection.Stopped"/>).</summary>
    Stopped,
}
