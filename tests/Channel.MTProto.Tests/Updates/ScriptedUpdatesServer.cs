using System.Threading.Channels;
using Channel.MTProto.Client;
using Channel.MTProto.Tl;
using Channel.MTProto.Tl.Api;
using Channel.MTProto.UpdateHandling;
using TlUpdates = Channel.MTProto.Tl.Api.Updates;

namespace Channel.MTProto.Tests.UpdateHandling;

/// <summary>
/// A small in-memory model of one account's update sequences for the engine's unit tests: it numbers messages
/// with pts (common box and channels), answers getState / getDifference (slices) / getChannelDifference, and
/// pushes short updates that tests may withhold or repeat. The emulator tests cover the real wire.
/// </summary>
internal sealed class ScriptedUpdatesServer : IUpdatesRpc
{
    private readonly Lock _lock = new();
    private readonly List<UpdateNewMessage> _common = [];
    private readonly Dictionary<long, List<UpdateNewChannelMessage>> _channels = [];
    private readonly Dictionary<long, User> _users = [];
    private int _messageId;

    public ScriptedUpdatesServer(int pushCapacity = 1_000_000) => Pushes = new UpdateQueue(pushCapacity);

    /// <summary>Pushes go through the client's queue type, so a small capacity overflows it as a flood would.</summary>
    public UpdateQueue Pushes { get; }

    public int Pts { get; private set; } = 100;

    public int Seq { get; private set; } = 7;

    public int Date { get; private set; } = 1_700_000_000;

    /// <summary>Messages per differenceSlice.</summary>
    public int SliceSize { get; set; } = 100;

    /// <summary>The next getDifference answers differenceTooLong.</summary>
    public bool TooLongOnce { get; set; }

    /// <summary>The next call throws this (once).</summary>
    public Exception? FailNextCall { get; set; }

    /// <summary>The next calls throw these, in order.</summary>
    public Queue<Exception> Failures { get; } = new();

    public int GetDialogsCalls { get; private set; }

    public int GetHistoryCalls { get; private set; }

    public int GetDifferenceCalls { get; private set; }

    public int GetChannelDifferenceCalls { get; private set; }

    /// <summary>The timeout a final channel difference names (null: none).</summary>
    public int? ChannelTimeout { get; set; }

    public int GetStateCalls { get; private set; }

    public User AddUser(long id)
    {
        var user = new User { Id = id, AccessHash = id * 7, FirstName = $"User {id}" };
        lock (_lock)
        {
            _users[id] = user;
        }

        return user;
    }

    /// <summary>A new private message from <paramref name="fromUserId"/>; pushed as updateShortMessage unless withheld.</summary>
    public UpdateShortMessage SendPrivate(long fromUserId, string text, bool push = true)
    {
        UpdateShortMessage shortMessage;
        lock (_lock)
        {
            Pts++;
            Date++;
            shortMessage = new UpdateShortMessage { Id = ++_messageId, UserId = fromUserId, Message = text, Pts = Pts, PtsCount = 1, Date = Date };
            _common.Add(ShortUpdatesForTests.Expand(shortMessage));
        }

        if (push)
        {
            Pushes.TryWrite(shortMessage);
        }

        return shortMessage;
    }

    /// <summary>A new channel post; pushed in an updates container with seq 0 unless withheld.</summary>
    public UpdateNewChannelMessage PostToChannel(long channelId, string text, bool push = true)
    {
        UpdateNewChannelMessage update;
        lock (_lock)
        {
            if (!_channels.TryGetValue(channelId, out var posts))
            {
                _channels[channelId] = posts = [];
            }

            var pts = posts.Count == 0 ? 1 : posts[^1].Pts + 1;
            update = new UpdateNewChannelMessage
            {
                Message = new Message { Id = pts, PeerId = new PeerChannel { ChannelId = channelId }, MessageValue = text, Date = Date },
                Pts = pts,
                PtsCount = 1,
            };
            posts.Add(update);
        }

        if (push)
        {
            Pushes.TryWrite(new UpdatesConstructor { Updates = [update], Users = [], Chats = [], Date = Date, Seq = 0 });
        }

        return update;
    }

    public Task<TResult> InvokeAsync<TResult>(ITlMethod<TResult> request, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (FailNextCall is { } failure)
            {
                FailNextCall = null;
                return Task.FromException<TResult>(failure);
            }

            if (Failures.TryDequeue(out var queued))
            {
                return Task.FromException<TResult>(queued);
            }

            object result = request switch
            {
                TlUpdates.GetState => GetState(),
                TlUpdates.GetDifference d => GetDifference(d),
                TlUpdates.GetChannelDifference c => GetChannelDifference(c),
                Messages.GetDialogs d => GetDialogs(d),
                Messages.GetHistory h => GetHistory(h),
                _ => throw new TelegramRpcException(400, "METHOD_INVALID"),
            };
            return Task.FromResult((TResult)result);
        }
    }

    /// <summary>Private dialogs newest first (by top message id), paged by offset_id, 'limit' at a time.</summary>
    private Messages.DialogsBase GetDialogs(Messages.GetDialogs request)
    {
        GetDialogsCalls++;
        var tops = _common.Select(u => (Message)u.Message).GroupBy(m => ((PeerUser)m.PeerId).UserId).Select(g => g.MaxBy(m => m.Id)!)
            .OrderByDescending(m => m.Id).Where(m => request.OffsetId <= 0 || m.Id < request.OffsetId).ToList();
        var page = tops.Take(request.Limit).ToList();
        var dialogs = page.Select(m => (DialogBase)new Dialog { Peer = m.PeerId, TopMessage = m.Id, NotifySettings = new PeerNotifySettings() }).ToList();
        var users = _users.Values.Cast<UserBase>().ToList();
        return page.Count == tops.Count
            ? new Messages.Dialogs { DialogsValue = dialogs, Messages = [.. page], Chats = [], Users = users }
            : new Messages.DialogsSlice { Count = tops.Count, Dialogs = dialogs, Messages = [.. page], Chats = [], Users = users };
    }

    /// <summary>One private chat newest first, below offset_id, above min_id, 'limit' at a time.</summary>
    private Messages.MessagesBase GetHistory(Messages.GetHistory request)
    {
        GetHistoryCalls++;
        var peer = (InputPeerUser)request.Peer;
        if (!_users.TryGetValue(peer.UserId, out var user) || user.AccessHash != peer.AccessHash)
        {
            throw new TelegramRpcException(400, "PEER_ID_INVALID");
        }

        var page = _common.Select(u => (Message)u.Message).Where(m => ((PeerUser)m.PeerId).UserId == peer.UserId)
            .Where(m => (request.OffsetId <= 0 || m.Id < request.OffsetId) && m.Id > request.MinId)
            .OrderByDescending(m => m.Id).Take(request.Limit).Cast<MessageBase>().ToList();
        return new Messages.MessagesSlice { Count = page.Count, Messages = page, Chats = [], Users = [user] };
    }

    private TlUpdates.State GetState()
    {
        GetStateCalls++;
        return new TlUpdates.State { Pts = Pts, Qts = 0, Date = Date, Seq = Seq };
    }

    private TlUpdates.DifferenceBase GetDifference(TlUpdates.GetDifference request)
    {
        GetDifferenceCalls++;
        if (TooLongOnce)
        {
            TooLongOnce = false;
            return new TlUpdates.DifferenceTooLong { Pts = Pts };
        }

        var missed = _common.Where(u => u.Pts > request.Pts).ToList();
        if (missed.Count == 0)
        {
            return new TlUpdates.DifferenceEmpty { Date = Date, Seq = Seq };
        }

        var users = _users.Values.Cast<UserBase>().ToList();
        if (missed.Count > SliceSize)
        {
            var slice = missed.Take(SliceSize).ToList();
            return new TlUpdates.DifferenceSlice
            {
                NewMessages = [.. slice.Select(u => u.Message)],
                NewEncryptedMessages = [],
                OtherUpdates = [],
                Users = users,
                Chats = [],
                IntermediateState = new TlUpdates.State { Pts = slice[^1].Pts, Qts = 0, Date = Date, Seq = Seq },
            };
        }

        return new TlUpdates.Difference
        {
            NewMessages = [.. missed.Select(u => u.Message)],
            NewEncryptedMessages = [],
            OtherUpdates = [],
            Users = users,
            Chats = [],
            State = GetState(),
        };
    }

    private TlUpdates.ChannelDifferenceBase GetChannelDifference(TlUpdates.GetChannelDifference request)
    {
        GetChannelDifferenceCalls++;
        var channelId = ((InputChannel)request.Channel).ChannelId;
        var posts = _channels.GetValueOrDefault(channelId) ?? [];
        var missed = posts.Where(u => u.Pts > request.Pts).Take(request.Limit).ToList();
        var last = posts.Count == 0 ? request.Pts : posts[^1].Pts;
        if (missed.Count == 0)
        {
            return new TlUpdates.ChannelDifferenceEmpty { Final = true, Pts = last, Timeout = ChannelTimeout };
        }

        return new TlUpdates.ChannelDifference
        {
            Final = missed[^1].Pts == last,
            Pts = missed[^1].Pts,
            Timeout = missed[^1].Pts == last ? ChannelTimeout : null,
            NewMessages = [.. missed.Select(u => u.Message)],
            OtherUpdates = [],
            Chats = [],
            Users = [],
        };
    }
}

/// <summary>The expansion the engine applies, for building the server's own record of a short message.</summary>
internal static class ShortUpdatesForTests
{
    public static UpdateNewMessage Expand(UpdateShortMessage s) => ShortUpdates.ToNewMessage(s, selfUserId: 1);
}
