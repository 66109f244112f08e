using Channel.MTProto.Emulator.World;
using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.Emulator.Rpc;

/// <summary>contacts.resolveUsername / resolvePhone (entity resolution), importContacts and getContacts.</summary>
internal static class ContactsHandlers
{
    public static void Register(WorldRpc rpc)
    {
        var world = rpc.World;
        rpc.Authorized<Contacts.ResolveUsername, Contacts.ResolvedPeerBase>(Contacts.ResolveUsername.TlConstructorId,
            (_, userId, request) => world.ResolveUsername(userId, request.Username));
        rpc.Authorized<Contacts.ResolvePhone, Contacts.ResolvedPeerBase>(Contacts.ResolvePhone.TlConstructorId,
            (_, userId, request) => world.ResolvePhone(userId, request.Phone));
        rpc.Authorized<Contacts.ImportContacts, Contacts.ImportedContactsBase>(Contacts.ImportContacts.TlConstructorId,
            (_, userId, request) => world.ImportContacts(userId, request.Contacts));
        rpc.Authorized<Contacts.GetContacts, Contacts.ContactsBase>(Contacts.GetContacts.TlConstructorId,
            (_, userId, _) => world.GetContacts(userId));
    }
}
