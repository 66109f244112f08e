namespace Channel.Persistence.Secrets;

/// <summary>A decrypted session blob (null when the account has none) and the version it was read at.</summary>
public sealed record VersionedSession(byte[]? Session, long Version);
