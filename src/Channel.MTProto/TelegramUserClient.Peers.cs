using Channel.MTProto.Client;
using Channel.MTProto.Login;
using Channel.MTProto.Peers;
using Channel.MTProto.Tl;
using Channel.MTProto.Tl.Api;

namespace Channel.MTProto;

/// <summary>Identity and peers: GetMe, resolving usernames and phones, InputPeers from cached access hashes.</summary>
internal sealed partial class TelegramUserClient
{
    /// <summary>users.getUsers([inputUserSelf]): the logged-in account.</summary>
    public async Task<TelegramUser> GetMeAsync(CancellationToken cancellationToken = default)
    {
        var users = await InvokeAsync(new Users.GetUsers { Id = [new InputUserSelf()] }, cancellationToken).ConfigureAwait(false);
        var me = users.OfType<User>().FirstOrDefault() ?? throw new InvalidOperationException("Telegram returned no user for inputUserSelf.");
        if (Session.UserId != me.Id)
        {
            Session.UserId = me.Id;
        }

        return ToTelegramUser(me);
    }

    /// <summary>contacts.resolveUsername; the result (and its access hash) is cached.</summary>
    /// <returns>The peer, or null when no one has this username.</returns>
    public Task<CachedPeer?> ResolveUsernameAsync(string username, CancellationToken cancellationToken = default)
    {
        var name = PeerCache.NormalizeUsername(username) ?? throw new ArgumentException("The username is empty.", nameof(username));
        return ResolveAsync(new Contacts.ResolveUsername { Username = name }, "USERNAME_NOT_OCCUPIED", "USERNAME_INVALID", cancellationToken);
    }

    /// <summary>contacts.resolvePhone; the result is cached.</summary>
    /// <returns>The user, or null when the phone has no account or hides it.</returns>
    public Task<CachedPeer?> ResolvePhoneAsync(string phone, CancellationToken cancellationToken = default)
    {
        var digits = PeerCache.NormalizePhone(phone) ?? throw new ArgumentException("The phone number has no digits.", nameof(phone));
        return ResolveAsync(new Contacts.ResolvePhone { Phone = digits }, "PHONE_NOT_OCCUPIED", "PHONE_NUMBER_INVALID", cancellationToken);
    }

    /// <summary>
    /// contacts.importContacts with one phone contact: how Telegram lets an account find a user by phone number (the
    /// user's privacy settings decide). The user (and its access hash) is cached.
    /// </summary>
    /// <returns>The user, or null when the phone has no account (or its owner does not let us find it).</returns>
    public async Task<CachedPeer?> ImportPhoneContactAsync(string phone, CancellationToken cancellationToken = default)
    {
        var digits = PeerCache.NormalizePhone(phone) ?? throw new ArgumentException("The phone number has no digits.", nameof(phone));
        var imported = await InvokeAsync(
            new Contacts.ImportContacts { Contacts = [new InputPhoneContact { ClientId = 1, Phone = digits, FirstName = digits, LastName = string.Empty }] },
            cancellationToken).ConfigureAwait(false);
        return imported is Contacts.ImportedContacts { Imported: [ImportedContact { UserId: var userId }, ..] } && _peers.TryGet(PeerId.User(userId), out var cached) ? cached : null;
    }

    /// <summary>The InputPeer for <paramref name="peer"/> (inputPeerSelf for the account itself).</summary>
    /// <exception cref="PeerNotCachedException">Its access hash is unknown: resolve it first.</exception>
    public InputPeerBase GetInputPeer(PeerId peer) => _peers.GetInputPeer(peer, Session.UserId);

    /// <summary>Runs a contacts.resolve* call (InvokeAsync caches its users/chats) and returns the resolved peer; null for "no one".</summary>
    private async Task<CachedPeer?> ResolveAsync(ITlMethod<Contacts.ResolvedPeerBase> request, string notFound, string invalid, CancellationToken cancellationToken)
    {
        try
        {
            var resolved = await InvokeAsync(request, cancellationToken).ConfigureAwait(false);
            return resolved is Contacts.ResolvedPeer { Peer: { } peer } && _peers.TryGet(PeerId.From(peer), out var cached) ? cached : null;
        }
        catch (TelegramRpcException ex) when (ex.ErrorName == notFound || ex.ErrorName == invalid)
        {
            return null;
        }
    }
}
