namespace Channel.MTProto.Accounts;

/// <summary>Snapshot; Since = when State was entered; LastError = last disconnect/error reason (no secrets); LastUpdateAt = last update received.</summary>
/// <param name="State">The connection's state.</param>
/// <param name="Since">When <paramref name="State"/> was entered.</param>
/// <param name="LastError">A typed reason such as "TransportException/ConnectionClosed" or "SESSION_REVOKED"; never contents.</param>
/// <param name="LastUpdateAt">When the server last pushed an update to this connection.</param>
public sealed record AccountConnectionStatus(AccountConnectionState State, DateTimeOffset Since, string? LastError, DateTimeOffset? LastUpdateAt);
