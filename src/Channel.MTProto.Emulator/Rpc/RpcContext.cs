using Channel.MTProto.Emulator.Connections;
using Channel.MTProto.Emulator.Sessions;

namespace Channel.MTProto.Emulator.Rpc;

/// <summary>What initConnection told the server about the client app (recorded per connection).</summary>
internal sealed record InitConnectionInfo(int ApiId, string DeviceModel, string SystemVersion, string AppVersion, string SystemLangCode, string LangPack, string LangCode);

/// <summary>
/// Everything a method handler may need: the DC, the auth key (with the authorized-user slot the login handlers of
/// the next issue fill), the session, the declared layer and client info, and <see cref="Push"/> for sending the
/// client something later (updates).
/// </summary>
internal sealed class RpcContext(DcServer dc, ServerSession session, ClientConnection connection, long requestMsgId)
{
    public DcServer Dc { get; } = dc;

    public int DcId => Dc.DcId;

    public AuthKeyState AuthKey => Session.AuthKey;

    public ServerSession Session { get; } = session;

    public ClientConnection Connection { get; } = connection;

    /// <summary>msg_id of the client's request (after wrappers were unwrapped, still the outer message's id).</summary>
    public long RequestMsgId { get; } = requestMsgId;

    /// <summary>The layer the client declared with invokeWithLayer on this connection, if any yet.</summary>
    public int? Layer => Connection.Layer;

    public InitConnectionInfo? Client => Connection.Client;

    /// <summary>True when the call came wrapped in invokeWithoutUpdates.</summary>
    public bool WithoutUpdates { get; set; }

    /// <summary>The user logged in on this auth key; set only through the world, which keeps its delivery index.</summary>
    public long? AuthorizedUserId => AuthKey.AuthorizedUserId;

    /// <summary>Queues a content-related message (an update) for this session and sends it when it can.</summary>
    public void Push(byte[] body)
    {
        Session.Enqueue(new OutgoingMessage(body, ContentRelated: true, IsResponse: false, IsUpdate: true));
        _ = Dc.FlushAsync(Session);
    }
}
