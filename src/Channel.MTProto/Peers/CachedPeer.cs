namespace Channel.MTProto.Peers;

/// <summary>What the peer cache knows about one user, basic group or channel.</summary>
/// <param name="Id">Kind and id.</param>
/// <param name="AccessHash">
/// The access hash that makes an InputPeer valid for this account; null for basic groups (they need none) and for
/// users/channels seen only as "min" constructors (whose hash is not usable).
/// </param>
/// <param name="Username">The main public username (without '@'), if any.</param>
/// <param name="Phone">The phone number in digits, for users whose number we may see.</param>
/// <param name="DisplayName">"First Last" for users, the title for chats and channels.</param>
/// <param name="IsBroadcast">For channels: a broadcast channel rather than a supergroup.</param>
public sealed record CachedPeer(PeerId Id, long? AccessHash, string? Username, string? Phone, string? DisplayName, bool IsBroadcast = false);
