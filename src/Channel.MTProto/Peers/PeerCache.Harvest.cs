using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.Peers;

internal sealed partial class PeerCache
{
    /// <summary>
    /// Applies the users and chats an RPC result carries (auth.authorization, users.getUsers, contacts.resolved*,
    /// messages.*, updates.*); results without any are ignored. Returns whether the cache changed.
    /// </summary>
    public bool ApplyFrom(object? result) => result switch
    {
        Auth.Authorization authorization => Apply([authorization.User], null),
        UserBase user => Apply([user], null),
        IEnumerable<UserBase> users => Apply(users, null),
        Users.UserFull full => Apply(full.Users, full.Chats),
        Contacts.ResolvedPeer resolved => Apply(resolved.Users, resolved.Chats),
        Contacts.ContactsConstructor contacts => Apply(contacts.Users, null),
        Contacts.ImportedContacts imported => Apply(imported.Users, null),
        UpdatesConstructor updates => Apply(updates.Users, updates.Chats),
        UpdatesCombined updates => Apply(updates.Users, updates.Chats),
        Messages.MessagesConstructor messages => Apply(messages.Users, messages.Chats),
        Messages.MessagesSlice messages => Apply(messages.Users, messages.Chats),
        Messages.ChannelMessages messages => Apply(messages.Users, messages.Chats),
        Messages.Dialogs dialogs => Apply(dialogs.Users, dialogs.Chats),
        Messages.DialogsSlice dialogs => Apply(dialogs.Users, dialogs.Chats),
        Messages.PeerDialogs dialogs => Apply(dialogs.Users, dialogs.Chats),
        Messages.ChatFull full => Apply(full.Users, full.Chats),
        Updates.Difference difference => Apply(difference.Users, difference.Chats),
        Updates.DifferenceSlice difference => Apply(difference.Users, difference.Chats),
        Updates.ChannelDifference difference => Apply(difference.Users, difference.Chats),
        Updates.ChannelDifferenceTooLong difference => Apply(difference.Users, difference.Chats),
        _ => false,
    };
}
