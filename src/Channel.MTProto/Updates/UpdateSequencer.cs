using Channel.MTProto.Tl.Api;
using TlUpdates = Channel.MTProto.Tl.Api.Updates;

namespace Channel.MTProto.UpdateHandling;

/// <summary>
/// The pts/qts/seq rules of /api/updates as a synchronous state machine, with no I/O: it accepts updates whose
/// sequence position follows the local one, drops duplicates, buffers updates that arrive after a hole (until the
/// hole fills or its deadline passes) and applies difference answers. The engine around it does the RPC calls,
/// the waiting and the delivery.
/// </summary>
/// <remarks>
/// <see cref="State"/> is the accepted state: every update it covers has been handed out (in a
/// <see cref="SequencerOutput"/>). It becomes durable only when the host acknowledges the batch that carried it.
/// Not thread-safe: one engine loop owns it.
/// </remarks>
internal sealed class UpdateSequencer(UpdateState state, IUpdatePeers peers, Func<long?> selfUserId, TimeSpan gapTimeout)
{
    private readonly Dictionary<UpdateBox, Gap> _gaps = [];

    public UpdateState State { get; private set; } = state;

    /// <summary>When the earliest hole stops waiting for its missing updates, if any is open.</summary>
    public DateTimeOffset? NextGapDeadline => _gaps.Count == 0 ? null : _gaps.Values.Min(g => g.Deadline);

    /// <summary>Updates buffered behind holes (for tests and logs).</summary>
    public int BufferedCount => _gaps.Values.Sum(g => g.Pending.Count);

    /// <summary>Boxes whose hole has waited long enough: their difference must be fetched.</summary>
    public IReadOnlyList<UpdateBox> ExpiredGaps(DateTimeOffset now) => [.. _gaps.Where(p => p.Value.Deadline <= now).Select(p => p.Key)];

    /// <summary>Applies one Updates constructor received from the server (a push or an RPC result).</summary>
    public void Process(UpdatesBase updates, DateTimeOffset now, SequencerOutput output)
    {
        switch (updates)
        {
            case UpdatesTooLong:
                output.Fetch.Add(UpdateBox.Common);
                break;
            case UpdateShortMessage s:
                ProcessShort(ShortUpdates.ToNewMessage(s, selfUserId()), peers.HasUser(s.UserId), now, output);
                break;
            case UpdateShortChatMessage s:
                ProcessShort(ShortUpdates.ToNewMessage(s), peers.HasUser(s.FromId) && peers.HasChat(s.ChatId), now, output);
                break;
            case UpdateShortSentMessage s:
                // Without the request we cannot rebuild the message; the pts must move all the same.
                Accept(new PtsInfo(UpdateBox.Common, s.Pts, s.PtsCount), null, [], [], now, output);
                break;
            case UpdateShort s:
                ProcessOne(s.Update, [], [], now, output);
                break;
            case UpdatesCombined c:
                ProcessContainer(c.SeqStart, c.Seq, c.Date, c.Updates, c.Users, c.Chats, now, output);
                break;
            case UpdatesConstructor c:
                ProcessContainer(c.Seq, c.Seq, c.Date, c.Updates, c.Users, c.Chats, now, output);
                break;
        }
    }

    /// <summary>
    /// Moves a box by an affected-messages answer (messages.deleteMessages, readHistory, …): the server applied
    /// those changes and will not push them to this session.
    /// </summary>
    public void ProcessAffected(UpdateBox box, int pts, int ptsCount, DateTimeOffset now, SequencerOutput output) =>
        Accept(new PtsInfo(box, pts, ptsCount), null, [], [], now, output);

    /// <summary>
    /// Applies one updates.getDifference answer for the common box and the qts. Returns true when the difference is
    /// complete (difference, differenceEmpty), false when another call must follow (differenceSlice). A
    /// differenceTooLong is the caller's business (refetch the state, report a history gap): it returns true and
    /// leaves the state alone.
    /// </summary>
    /// <param name="difference">The answer.</param>
    /// <param name="now">For the gap deadlines of channel updates it carries.</param>
    /// <param name="output">Receives the updates.</param>
    /// <param name="skipCommonUpTo">
    /// Private-chat / basic-group messages with ids up to this were already delivered by a history recovery; 0
    /// delivers all.
    /// </param>
    public bool ApplyDifference(TlUpdates.DifferenceBase difference, DateTimeOffset now, SequencerOutput output, int skipCommonUpTo = 0)
    {
        switch (difference)
        {
            case TlUpdates.DifferenceEmpty e:
                State = State with { Date = e.Date, Seq = e.Seq };
                return true;
            case TlUpdates.Difference d:
                AddDifference(d.NewMessages, d.OtherUpdates, d.Users, d.Chats, now, output, skipCommonUpTo);
                SetCommon(d.State);
                return true;
            case TlUpdates.DifferenceSlice s:
                AddDifference(s.NewMessages, s.OtherUpdates, s.Users, s.Chats, now, output, skipCommonUpTo);
                SetCommon(s.IntermediateState);
                return false;
            default:
                return true;
        }
    }

    /// <summary>
    /// differenceTooLong: the common box continues at <paramref name="pts"/>; <paramref name="maxMessageId"/> is the
    /// highest message id the history recovery delivered.
    /// </summary>
    public void SkipCommonTo(int pts, int maxMessageId) =>
        State = State with { Pts = pts, MaxMessageId = Math.Max(State.MaxMessageId, maxMessageId) };

    /// <summary>Adopts the server's current state for the common box (after updates.getState).</summary>
    public void SetCommon(TlUpdates.StateBase state)
    {
        if (state is TlUpdates.State s)
        {
            State = State with { Pts = s.Pts, Qts = s.Qts, Date = s.Date, Seq = s.Seq };
        }
    }

    /// <summary>
    /// Applies one updates.getChannelDifference answer. Returns true when the channel is caught up (final).
    /// channelDifferenceTooLong moves the channel to the dialog's pts, hands out the latest messages it carries,
    /// and reports a history gap.
    /// </summary>
    public bool ApplyChannelDifference(long channelId, TlUpdates.ChannelDifferenceBase difference, SequencerOutput output)
    {
        switch (difference)
        {
            case TlUpdates.ChannelDifferenceEmpty e:
                SetChannelPts(channelId, e.Pts);
                return e.Final;
            case TlUpdates.ChannelDifference d:
                peers.Apply(d.Users, d.Chats);
                AddChannelMessages(channelId, d.NewMessages, d.Users, d.Chats, output);
                foreach (var update in d.OtherUpdates.Where(u => u is not UpdateChannelTooLong))
                {
                    output.Add(update, d.Users, d.Chats);
                }

                SetChannelPts(channelId, d.Pts);
                return d.Final;
            case TlUpdates.ChannelDifferenceTooLong t:
                // Without a known last message (the engine recovers through getHistory when it has one): the latest
                // messages it carries, oldest first, and a reported gap.
                peers.Apply(t.Users, t.Chats);
                AddChannelMessages(channelId, [.. t.Messages.OrderBy(MessageId)], t.Users, t.Chats, output);
                if (t.Dialog is Dialog { Pts: { } pts })
                {
                    SetChannelPts(channelId, pts);
                }

                output.HistoryGaps.Add(UpdateBox.Channel(channelId));
                return true;
            default:
                return true;
        }
    }

    /// <summary>
    /// Gives up on a channel we cannot fetch (no access hash, CHANNEL_PRIVATE): forget its pts and buffered updates
    /// and report the hole, so the next update of that channel starts it afresh.
    /// </summary>
    public void AbandonChannel(long channelId, SequencerOutput output)
    {
        var box = UpdateBox.Channel(channelId);
        State = State with { ChannelPts = State.ChannelPts.Remove(channelId), ChannelMaxMessageIds = State.ChannelMaxMessageIds.Remove(channelId) };
        _gaps.Remove(box);
        output.HistoryGaps.Add(box);
    }

    /// <summary>Starts following a channel at a known pts (updateChannelTooLong of a channel not followed yet).</summary>
    public bool TryStartChannel(long channelId, int pts)
    {
        if (State.ChannelPts.ContainsKey(channelId))
        {
            return false;
        }

        SetChannelPts(channelId, pts);
        return true;
    }

    /// <summary>
    /// After channelDifferenceTooLong was recovered from the channel's history: the channel continues at
    /// <paramref name="pts"/> (the dialog's), with <paramref name="maxMessageId"/> the highest message delivered.
    /// </summary>
    public void SkipChannelTo(long channelId, int pts, int maxMessageId)
    {
        SetChannelPts(channelId, pts);
        NoteChannelMessage(channelId, maxMessageId);
    }

    /// <summary>
    /// After a box was filled: applies what now fits from its buffer, drops what the difference already covered,
    /// and gives what is still out of reach a fresh wait.
    /// </summary>
    public void AfterFill(UpdateBox box, DateTimeOffset now, SequencerOutput output)
    {
        Drain(box, now, output);
        if (_gaps.TryGetValue(box, out var gap))
        {
            gap.Deadline = now + gapTimeout;
        }
    }

    private void ProcessShort(UpdateNewMessage update, bool peersKnown, DateTimeOffset now, SequencerOutput output)
    {
        var info = new PtsInfo(UpdateBox.Common, update.Pts, update.PtsCount);
        if (!peersKnown && Classify(info) != Position.Duplicate)
        {
            // /api/updates: a short update naming a peer we have no access hash for → getDifference brings it with its users.
            output.Fetch.Add(UpdateBox.Common);
            return;
        }

        Accept(info, update, [], [], now, output);
    }

    private void ProcessContainer(int seqStart, int seq, int date, IReadOnlyList<UpdateBase> updates, IReadOnlyList<UserBase> users, IReadOnlyList<ChatBase> chats, DateTimeOffset now, SequencerOutput output)
    {
        var seqGap = false;
        if (seqStart != 0)
        {
            if (State.Seq + 1 > seqStart)
            {
                output.Duplicates++;
                return;
            }

            // A hole in seq: fetch the difference. The updates themselves still go through their own pts checks,
            // so whatever fits is not held back and nothing is applied twice.
            seqGap = State.Seq + 1 < seqStart;
            if (seqGap)
            {
                output.Fetch.Add(UpdateBox.Common);
            }
        }

        peers.Apply(users, chats);
        foreach (var update in updates)
        {
            ProcessOne(update, users, chats, now, output);
        }

        if (seqStart != 0 && !seqGap)
        {
            State = State with { Seq = seq, Date = date };
        }
    }

    private void ProcessOne(UpdateBase update, IReadOnlyList<UserBase> users, IReadOnlyList<ChatBase> chats, DateTimeOffset now, SequencerOutput output)
    {
        switch (update)
        {
            case UpdateChannelTooLong tooLong:
                output.Fetch.Add(UpdateBox.Channel(tooLong.ChannelId));
                if (tooLong.Pts is { } pts)
                {
                    TryStartChannel(tooLong.ChannelId, pts);
                }

                return;
            case UpdatePtsChanged:
                output.RefetchState = true;
                return;
        }

        if (PtsInfo.Of(update) is { } info)
        {
            Accept(info, update, users, chats, now, output);
        }
        else
        {
            output.Add(update, users, chats);
        }
    }

    /// <summary>The pts rule: local + count == pts applies, more is a duplicate, less is a hole.</summary>
    private void Accept(PtsInfo info, UpdateBase? update, IReadOnlyList<UserBase> users, IReadOnlyList<ChatBase> chats, DateTimeOffset now, SequencerOutput output)
    {
        switch (Classify(info))
        {
            case Position.Next:
                Advance(info, update, users, chats, output);
                Drain(info.Box, now, output);
                break;
            case Position.Duplicate:
                output.Duplicates++;
                break;
            case Position.FirstOfChannel:
                // A channel we have never followed: nothing to compare with, so this update defines where it stands
                // (its pts minus its count is where the channel stood before it); the difference from there follows.
                SetChannelPts(info.Box.ChannelId, info.Pts - info.Count);
                Advance(info, update, users, chats, output);
                output.Fetch.Add(info.Box);
                break;
            default:
                if (!_gaps.TryGetValue(info.Box, out var gap))
                {
                    _gaps[info.Box] = gap = new Gap(now + gapTimeout);
                }

                gap.Pending.Add(new Pending(info, update, users, chats));
                break;
        }
    }

    private Position Classify(PtsInfo info)
    {
        if (LocalPts(info.Box) is not { } local)
        {
            return Position.FirstOfChannel;
        }

        var expected = local + info.Count;
        return expected == info.Pts ? Position.Next : expected > info.Pts ? Position.Duplicate : Position.Gap;
    }

    private void Advance(PtsInfo info, UpdateBase? update, IReadOnlyList<UserBase> users, IReadOnlyList<ChatBase> chats, SequencerOutput output)
    {
        if (info.Box == UpdateBox.Common)
        {
            State = State with { Pts = info.Pts, MaxMessageId = Math.Max(State.MaxMessageId, CommonMessageId(update)) };
        }
        else if (info.Box == UpdateBox.Secret)
        {
            State = State with { Qts = info.Pts };
        }
        else
        {
            SetChannelPts(info.Box.ChannelId, info.Pts);
            if (update is UpdateNewChannelMessage { Message: var message })
            {
                NoteChannelMessage(info.Box.ChannelId, MessageId(message));
            }
        }

        if (update is not null)
        {
            NoteMigration(update, output);
            output.Add(update, users, chats);
        }
    }

    /// <summary>Applies buffered updates of a box while the next one fits; drops those already covered.</summary>
    private void Drain(UpdateBox box, DateTimeOffset now, SequencerOutput output)
    {
        if (!_gaps.TryGetValue(box, out var gap))
        {
            return;
        }

        var progressed = true;
        while (progressed && gap.Pending.Count > 0)
        {
            progressed = false;
            for (var i = 0; i < gap.Pending.Count; i++)
            {
                var pending = gap.Pending[i];
                var position = Classify(pending.Info);
                if (position == Position.Gap)
                {
                    continue;
                }

                gap.Pending.RemoveAt(i);
                if (position == Position.Duplicate)
                {
                    output.Duplicates++;
                }
                else
                {
                    Advance(pending.Info, pending.Update, pending.Users, pending.Chats, output);
                }

                progressed = true;
                break;
            }
        }

        if (gap.Pending.Count == 0)
        {
            _gaps.Remove(box);
        }
        else if (progressed)
        {
            gap.Deadline = now + gapTimeout;
        }
    }

    private void AddDifference(IReadOnlyList<MessageBase> newMessages, IReadOnlyList<UpdateBase> otherUpdates, IReadOnlyList<UserBase> users, IReadOnlyList<ChatBase> chats, DateTimeOffset now, SequencerOutput output, int skipCommonUpTo)
    {
        peers.Apply(users, chats);

        // Messages first: other updates (edits, reads) may refer to them. They carry no pts of their own (0): the
        // difference's state covers them.
        foreach (var message in newMessages)
        {
            var update = new UpdateNewMessage { Message = message, Pts = 0, PtsCount = 0 };
            var id = CommonMessageId(update);
            if (id != 0 && id <= skipCommonUpTo)
            {
                output.Duplicates++;
                continue;
            }

            State = State with { MaxMessageId = Math.Max(State.MaxMessageId, id) };
            NoteMigration(update, output);
            output.Add(update, users, chats);
        }

        foreach (var update in otherUpdates)
        {
            if (update is UpdateChannelTooLong tooLong)
            {
                output.Fetch.Add(UpdateBox.Channel(tooLong.ChannelId));
                if (tooLong.Pts is { } pts)
                {
                    TryStartChannel(tooLong.ChannelId, pts);
                }
            }
            else if (PtsInfo.Of(update) is { Box.IsChannel: true } info)
            {
                // Channel updates are not covered by the common state: they follow their channel's rules.
                Accept(info, update, users, chats, now, output);
            }
            else
            {
                output.Add(update, users, chats);
            }
        }
    }

    private void AddChannelMessages(long channelId, IReadOnlyList<MessageBase> messages, IReadOnlyList<UserBase> users, IReadOnlyList<ChatBase> chats, SequencerOutput output)
    {
        foreach (var message in messages)
        {
            NoteChannelMessage(channelId, MessageId(message));
            output.Add(new UpdateNewChannelMessage { Message = message, Pts = 0, PtsCount = 0 }, users, chats);
        }
    }

    /// <summary>Remembers the highest message id handed out for the channel (channelDifferenceTooLong recovers above it).</summary>
    private void NoteChannelMessage(long channelId, int messageId)
    {
        if (messageId > State.GetChannelMaxMessageId(channelId) && State.ChannelPts.ContainsKey(channelId))
        {
            State = State with { ChannelMaxMessageIds = State.ChannelMaxMessageIds.SetItem(channelId, messageId) };
        }
    }

    /// <summary>A basic group's messageActionChatMigrateTo: its supergroup must be followed from the start.</summary>
    private static void NoteMigration(UpdateBase update, SequencerOutput output)
    {
        if (update is UpdateNewMessage { Message: MessageService { Action: MessageActionChatMigrateTo migrated } })
        {
            output.MigratedTo.Add(migrated.ChannelId);
        }
    }

    internal static int MessageId(MessageBase message) => message switch
    {
        Message m => m.Id,
        MessageService m => m.Id,
        MessageEmpty m => m.Id,
        _ => 0,
    };

    /// <summary>The id of a new private-chat / basic-group message (ids per account, increasing); 0 for anything else.</summary>
    internal static int CommonMessageId(UpdateBase? update) =>
        update is UpdateNewMessage { Message: var message } && PtsInfo.PeerOf(message) is PeerUser or PeerChat
            ? message switch
            {
                Message m => m.Id,
                MessageService m => m.Id,
                _ => 0,
            }
            : 0;

    private int? LocalPts(UpdateBox box) =>
        box == UpdateBox.Common ? State.Pts : box == UpdateBox.Secret ? State.Qts : State.GetChannelPts(box.ChannelId);

    private void SetChannelPts(long channelId, int pts) =>
        State = State with { ChannelPts = State.ChannelPts.SetItem(channelId, pts) };

    private enum Position
    {
        Next,
        Duplicate,
        Gap,
        FirstOfChannel,
    }

    private sealed record Pending(PtsInfo Info, UpdateBase? Update, IReadOnlyList<UserBase> Users, IReadOnlyList<ChatBase> Chats);

    private sealed class Gap(DateTimeOffset deadline)
    {
        public DateTimeOffset Deadline { get; set; } = deadline;

        public List<Pending> Pending { get; } = [];
    }
}
