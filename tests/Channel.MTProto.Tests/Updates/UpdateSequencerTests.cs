using System.Collections.Immutable;
using Channel.MTProto.Tl.Api;
using Channel.MTProto.UpdateHandling;
using TlUpdates = Channel.MTProto.Tl.Api.Updates;

namespace Channel.MTProto.Tests.UpdateHandling;

public sealed class UpdateSequencerTests
{
    private const long SelfId = 1;
    private static readonly TimeSpan GapTimeout = TimeSpan.FromMilliseconds(500);
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly TestPeers _peers = new();

    public UpdateSequencerTests() => _peers.AddUser(42);

    [Fact]
    public void Process_NextPts_AppliesAndAdvances()
    {
        var sequencer = NewSequencer(pts: 10);
        var output = new SequencerOutput();

        sequencer.Process(Short(pts: 11), Now, output);
        sequencer.Process(Short(pts: 12), Now, output);

        Assert.Equal(12, sequencer.State.Pts);
        Assert.Equal([11, 12], Pts(output));
        Assert.Empty(output.Fetch);
    }

    [Fact]
    public void Process_DuplicatePts_IsDropped()
    {
        var sequencer = NewSequencer(pts: 10);
        var output = new SequencerOutput();

        sequencer.Process(Short(pts: 11), Now, output);
        sequencer.Process(Short(pts: 11), Now, output);
        sequencer.Process(Short(pts: 9), Now, output);

        Assert.Equal([11], Pts(output));
        Assert.Equal(2, output.Duplicates);
        Assert.Equal(11, sequencer.State.Pts);
    }

    [Fact]
    public void Process_GapThenMissingUpdate_DeliversBothInOrder()
    {
        var sequencer = NewSequencer(pts: 10);
        var output = new SequencerOutput();

        sequencer.Process(Short(pts: 12), Now, output);
        Assert.Empty(output.Updates);
        Assert.Equal(10, sequencer.State.Pts);
        Assert.Equal(Now + GapTimeout, sequencer.NextGapDeadline);

        sequencer.Process(Short(pts: 11), Now, output);

        Assert.Equal([11, 12], Pts(output));
        Assert.Equal(12, sequencer.State.Pts);
        Assert.Null(sequencer.NextGapDeadline);
        Assert.Equal(0, sequencer.BufferedCount);
    }

    [Fact]
    public void Process_GapNeverFilled_ExpiresAfterTimeout()
    {
        var sequencer = NewSequencer(pts: 10);
        var output = new SequencerOutput();

        sequencer.Process(Short(pts: 12), Now, output);

        Assert.Empty(sequencer.ExpiredGaps(Now + (GapTimeout / 2)));
        Assert.Equal([UpdateBox.Common], sequencer.ExpiredGaps(Now + GapTimeout));
    }

    [Fact]
    public void AfterFill_DifferenceCoveredBufferedUpdate_DropsItAsDuplicate()
    {
        var sequencer = NewSequencer(pts: 10);
        var output = new SequencerOutput();
        sequencer.Process(Short(pts: 12), Now, output);

        var done = sequencer.ApplyDifference(Difference(pts: 12, Message(11), Message(12)), Now, output);
        sequencer.AfterFill(UpdateBox.Common, Now, output);

        Assert.True(done);
        Assert.Equal(2, output.Updates.Count);
        Assert.Equal(1, output.Duplicates);
        Assert.Equal(0, sequencer.BufferedCount);
        Assert.Equal(12, sequencer.State.Pts);
    }

    [Fact]
    public void AfterFill_BufferedUpdateBeyondDifference_AppliesIt()
    {
        var sequencer = NewSequencer(pts: 10);
        var output = new SequencerOutput();
        sequencer.Process(Short(pts: 13), Now, output);

        sequencer.ApplyDifference(Difference(pts: 12, Message(11), Message(12)), Now, output);
        sequencer.AfterFill(UpdateBox.Common, Now, output);

        Assert.Equal(3, output.Updates.Count);
        Assert.Equal(13, sequencer.State.Pts);
    }

    [Fact]
    public void Process_ShortMessageFromUnknownUser_FetchesDifferenceInsteadOfApplying()
    {
        var sequencer = NewSequencer(pts: 10);
        var output = new SequencerOutput();

        sequencer.Process(Short(pts: 11, userId: 777), Now, output);

        Assert.Empty(output.Updates);
        Assert.Contains(UpdateBox.Common, output.Fetch);
        Assert.Equal(10, sequencer.State.Pts);
    }

    [Fact]
    public void Process_ShortMessage_ExpandsToNewMessage()
    {
        var sequencer = NewSequencer(pts: 10);
        var output = new SequencerOutput();

        sequencer.Process(new UpdateShortMessage { Id = 5, UserId = 42, Message = "hi", Pts = 11, PtsCount = 1, Date = 99, Out = true }, Now, output);

        var update = Assert.IsType<UpdateNewMessage>(Assert.Single(output.Updates));
        var message = Assert.IsType<Message>(update.Message);
        Assert.Equal(5, message.Id);
        Assert.Equal("hi", message.MessageValue);
        Assert.Equal(42, Assert.IsType<PeerUser>(message.PeerId).UserId);
        Assert.Equal(SelfId, Assert.IsType<PeerUser>(message.FromId).UserId);
        Assert.True(message.Out);
        Assert.Equal(99, message.Date);
    }

    [Fact]
    public void Process_SeqRules_ApplyIgnoreOrFetch()
    {
        var sequencer = NewSequencer(pts: 10, seq: 5);
        var output = new SequencerOutput();

        sequencer.Process(Container(seq: 6, NewMessage(11)), Now, output);
        Assert.Equal(6, sequencer.State.Seq);

        sequencer.Process(Container(seq: 6, NewMessage(12)), Now, output);
        Assert.Equal(1, output.Duplicates);
        Assert.Equal(11, sequencer.State.Pts);

        sequencer.Process(Container(seq: 0, NewMessage(12)), Now, output);
        Assert.Equal(12, sequencer.State.Pts);
        Assert.Equal(6, sequencer.State.Seq);
        Assert.Empty(output.Fetch);

        sequencer.Process(Container(seq: 9, NewMessage(13)), Now, output);
        Assert.Contains(UpdateBox.Common, output.Fetch);
        Assert.Equal(6, sequencer.State.Seq);
        Assert.Equal(13, sequencer.State.Pts);
        Assert.Equal([11, 12, 13], Pts(output));
    }

    [Fact]
    public void Process_UpdatesTooLong_FetchesCommonBox()
    {
        var sequencer = NewSequencer(pts: 10);
        var output = new SequencerOutput();

        sequencer.Process(new UpdatesTooLong(), Now, output);

        Assert.Equal([UpdateBox.Common], output.Fetch);
    }

    [Fact]
    public void Process_ChannelUpdates_FollowTheirOwnPts()
    {
        var sequencer = NewSequencer(pts: 10);
        var output = new SequencerOutput();

        sequencer.Process(Container(seq: 0, ChannelMessage(channelId: 5, pts: 40)), Now, output);
        sequencer.Process(Container(seq: 0, ChannelMessage(channelId: 5, pts: 41)), Now, output);
        sequencer.Process(Container(seq: 0, ChannelMessage(channelId: 5, pts: 41)), Now, output);
        sequencer.Process(Container(seq: 0, ChannelMessage(channelId: 5, pts: 43)), Now, output);

        Assert.Equal(41, sequencer.State.GetChannelPts(5));
        Assert.Equal(10, sequencer.State.Pts);
        Assert.Equal(2, output.Updates.Count);
        Assert.Equal(1, output.Duplicates);
        Assert.Equal([UpdateBox.Channel(5)], sequencer.ExpiredGaps(Now + GapTimeout));
    }

    [Fact]
    public void Process_QtsUpdate_CountsOne()
    {
        var sequencer = NewSequencer(pts: 10, qts: 3);
        var output = new SequencerOutput();

        sequencer.Process(new UpdateShort { Update = new UpdateBotStopped { UserId = 42, Date = 1, Stopped = true, Qts = 4 }, Date = 1 }, Now, output);
        sequencer.Process(new UpdateShort { Update = new UpdateBotStopped { UserId = 42, Date = 1, Stopped = true, Qts = 4 }, Date = 1 }, Now, output);

        Assert.Equal(4, sequencer.State.Qts);
        Assert.Single(output.Updates);
    }

    [Fact]
    public void Process_UpdateWithoutSequence_PassesThrough()
    {
        var sequencer = NewSequencer(pts: 10);
        var output = new SequencerOutput();

        sequencer.Process(new UpdateShort { Update = new UpdateUserTyping { UserId = 42, Action = new SendMessageTypingAction() }, Date = 1 }, Now, output);

        Assert.IsType<UpdateUserTyping>(Assert.Single(output.Updates));
        Assert.Equal(10, sequencer.State.Pts);
    }

    [Fact]
    public void ProcessAffected_OwnDeletion_MovesPtsWithoutDelivering()
    {
        var sequencer = NewSequencer(pts: 10);
        var output = new SequencerOutput();

        sequencer.ProcessAffected(UpdateBox.Common, pts: 12, ptsCount: 2, Now, output);

        Assert.Equal(12, sequencer.State.Pts);
        Assert.Empty(output.Updates);
    }

    [Fact]
    public void ApplyDifference_Slice_AdvancesToIntermediateStateAndAsksForMore()
    {
        var sequencer = NewSequencer(pts: 10);
        var output = new SequencerOutput();
        var slice = new TlUpdates.DifferenceSlice
        {
            NewMessages = [Message(11)],
            IntermediateState = new TlUpdates.State { Pts = 11, Qts = 0, Date = 5, Seq = 2 },
        };

        var done = sequencer.ApplyDifference(slice, Now, output);

        Assert.False(done);
        Assert.Equal(11, sequencer.State.Pts);
        Assert.Equal(2, sequencer.State.Seq);
        Assert.IsType<UpdateNewMessage>(Assert.Single(output.Updates));
    }

    [Fact]
    public void ApplyDifference_OtherUpdatesWithChannelTooLong_AsksForChannelFetch()
    {
        var sequencer = NewSequencer(pts: 10, channels: (5, 40));
        var output = new SequencerOutput();
        var difference = new TlUpdates.Difference
        {
            OtherUpdates = [new UpdateChannelTooLong { ChannelId = 5 }],
            State = new TlUpdates.State { Pts = 10, Qts = 0, Date = 5, Seq = 2 },
        };

        sequencer.ApplyDifference(difference, Now, output);

        Assert.Equal([UpdateBox.Channel(5)], output.Fetch);
    }

    [Fact]
    public void ApplyChannelDifference_TooLong_ReportsHistoryGapAndTakesDialogPts()
    {
        var sequencer = NewSequencer(pts: 10, channels: (5, 40));
        var output = new SequencerOutput();
        var tooLong = new TlUpdates.ChannelDifferenceTooLong
        {
            Final = true,
            Dialog = new Dialog { Peer = new PeerChannel { ChannelId = 5 }, NotifySettings = new PeerNotifySettings(), Pts = 900 },
            Messages = [ChannelMessage(5, 900).Message],
        };

        var done = sequencer.ApplyChannelDifference(5, tooLong, output);

        Assert.True(done);
        Assert.Equal(900, sequencer.State.GetChannelPts(5));
        Assert.Equal([UpdateBox.Channel(5)], output.HistoryGaps);
        Assert.Single(output.Updates);
    }

    [Fact]
    public void AbandonChannel_ForgetsPtsAndBufferAndReportsGap()
    {
        var sequencer = NewSequencer(pts: 10, channels: (5, 40));
        var output = new SequencerOutput();
        sequencer.Process(Container(seq: 0, ChannelMessage(5, 45)), Now, output);

        sequencer.AbandonChannel(5, output);

        Assert.Null(sequencer.State.GetChannelPts(5));
        Assert.Equal(0, sequencer.BufferedCount);
        Assert.Equal([UpdateBox.Channel(5)], output.HistoryGaps);
    }

    [Fact]
    public void Process_ShortChatMessageFromUnknownChatOrSender_NotAppliedFetchesCommonBox()
    {
        var sequencer = NewSequencer(pts: 10);
        var output = new SequencerOutput();

        sequencer.Process(new UpdateShortChatMessage { Id = 11, FromId = 42, ChatId = 77, Message = "x", Pts = 11, PtsCount = 1, Date = 1 }, Now, output);
        sequencer.Process(Short(pts: 11, userId: 99), Now, output);

        Assert.Empty(output.Updates);
        Assert.Equal(10, sequencer.State.Pts);
        Assert.Contains(UpdateBox.Common, output.Fetch);
    }

    [Fact]
    public void MaxMessageId_FollowsDeliveredCommonMessages_NotChannelOnes()
    {
        var sequencer = NewSequencer(pts: 10, channels: [(5, 40)]);
        var output = new SequencerOutput();

        sequencer.Process(Short(pts: 11), Now, output);
        sequencer.Process(Container(seq: 0, ChannelMessage(5, 41)), Now, output);
        sequencer.ApplyDifference(Difference(13, Message(12), Message(13)), Now, output);

        Assert.Equal(13, sequencer.State.MaxMessageId);
        Assert.Equal(41, sequencer.State.GetChannelPts(5));
    }

    [Fact]
    public void ApplyDifference_AfterHistoryRecovery_DropsMessagesAlreadyDelivered()
    {
        var sequencer = NewSequencer(pts: 10);
        var output = new SequencerOutput();

        sequencer.ApplyDifference(Difference(20, Message(14), Message(15), Message(16)), Now, output, skipCommonUpTo: 15);

        Assert.Equal([16], Pts(output));
        Assert.Equal(2, output.Duplicates);
    }

    private UpdateSequencer NewSequencer(int pts, int seq = 1, int qts = 0, params (long Id, int Pts)[] channels)
    {
        var state = new UpdateState(pts, qts, 1, seq, channels.ToDictionary(c => c.Id, c => c.Pts).ToImmutableDictionary());
        return new UpdateSequencer(state, _peers, () => SelfId, GapTimeout);
    }

    private static UpdateShortMessage Short(int pts, long userId = 42) =>
        new() { Id = pts, UserId = userId, Message = $"m{pts}", Pts = pts, PtsCount = 1, Date = pts };

    private static Message Message(int id) => new() { Id = id, PeerId = new PeerUser { UserId = 42 }, MessageValue = $"m{id}" };

    private static UpdateNewMessage NewMessage(int pts) => new() { Message = Message(pts), Pts = pts, PtsCount = 1 };

    private static UpdateNewChannelMessage ChannelMessage(long channelId, int pts) => new()
    {
        Message = new Message { Id = pts, PeerId = new PeerChannel { ChannelId = channelId }, MessageValue = $"c{pts}" },
        Pts = pts,
        PtsCount = 1,
    };

    private static UpdatesConstructor Container(int seq, params UpdateBase[] updates) =>
        new() { Updates = updates, Users = [], Chats = [], Date = 10 + seq, Seq = seq };

    private static TlUpdates.Difference Difference(int pts, params Message[] messages) => new()
    {
        NewMessages = messages,
        State = new TlUpdates.State { Pts = pts, Qts = 0, Date = 50, Seq = 3 },
    };

    private static int[] Pts(SequencerOutput output) =>
        [.. output.Updates.Select(u => ((Message)((UpdateNewMessage)u).Message).Id)];
}
