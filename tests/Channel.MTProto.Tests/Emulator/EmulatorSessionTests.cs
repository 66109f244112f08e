using System.Buffers.Binary;
using Channel.MTProto.Emulator;
using Channel.MTProto.Session;
using Channel.MTProto.Tests.Transport;
using Channel.MTProto.Tl;
using Channel.MTProto.Tl.Api;
using Channel.MTProto.Tl.Mt;
using Channel.MTProto.Transport;
using Microsoft.Extensions.Time.Testing;
using Help = Channel.MTProto.Tl.Api.Help;

namespace Channel.MTProto.Tests.Emulator;

/// <summary>The emulator over real TCP: key exchange, encrypted sessions, service messages, RPC and fault injection.</summary>
public sealed class EmulatorSessionTests
{
    [Theory]
    [MemberData(nameof(TransportTestSupport.AllTransports), MemberType = typeof(TransportTestSupport))]
    public async Task Connect_EveryTransport_ExchangesKeyAndAnswersGetConfig(string kind, bool obfuscated)
    {
        using var timeout = EmulatorTestSupport.Timeout();
        await using var emulator = await TelegramEmulator.StartAsync(cancellationToken: timeout.Token);
        var transport = new TransportOptions { Kind = Enum.Parse<TransportKind>(kind), Obfuscated = obfuscated };
        await using var client = await EmulatorTestClient.ConnectAsync(emulator, timeout.Token, transport);
        await client.CreateAuthKeyAsync(timeout.Token);

        var outcome = await client.InvokeAsync(WithLayer(198, new Help.GetConfig()), timeout.Token);

        var config = Assert.IsType<Config>(outcome.Result);
        Assert.Equal(2, config.ThisDc);
        var option = Assert.IsType<DcOption>(Assert.Single(config.DcOptions));
        Assert.Equal((2, emulator.Endpoint.Address.ToString(), emulator.Endpoint.Port), (option.Id, option.IpAddress, option.Port));
        Assert.Equal(4096, config.MessageLengthMax);
        Assert.True(config.Expires > config.Date);
        var session = emulator.AuthKeys(2).All.Single().Sessions[client.SessionId];
        Assert.Equal(198, session.Layer);
    }

    [Fact]
    public async Task GetConfig_SeveralDcs_ListsEveryListener()
    {
        using var timeout = EmulatorTestSupport.Timeout();
        await using var emulator = await TelegramEmulator.StartAsync(new EmulatorOptions { DcIds = [2, 4] }, cancellationToken: timeout.Token);
        await using var client = await EmulatorTestClient.ConnectAsync(emulator, timeout.Token, dcId: 4);
        await client.CreateAuthKeyAsync(timeout.Token);

        var config = Assert.IsType<Config>((await client.InvokeAsync(new Help.GetConfig(), timeout.Token)).Result);
        var nearest = Assert.IsType<NearestDc>((await client.InvokeAsync(new Help.GetNearestDc(), timeout.Token)).Result);

        Assert.Equal(4, config.ThisDc);
        Assert.Equal(
            emulator.Dcs.Select(dc => (dc.Key, dc.Value.Port)).OrderBy(x => x.Key),
            config.DcOptions.Cast<DcOption>().Select(o => (o.Id, o.Port)).OrderBy(x => x.Id));
        Assert.Equal((4, 4), (nearest.ThisDc, nearest.NearestDcValue));
        Assert.NotEqual(emulator.Dcs[2].Port, emulator.Dcs[4].Port);
    }

    [Fact]
    public async Task FirstMessage_NewSession_AnnouncesNewSessionCreatedWithTheCurrentSalt()
    {
        using var timeout = EmulatorTestSupport.Timeout();
        await using var emulator = await TelegramEmulator.StartAsync(cancellationToken: timeout.Token);
        await using var client = await ConnectedClientAsync(emulator, timeout.Token);

        var pingId = await client.SendAsync(new Ping { PingId = 77 }, timeout.Token);
        var (created, _) = await client.ReceiveUntilAsync(NewSessionCreated.TlConstructorId, timeout.Token);
        var (pong, _) = await client.ReceiveUntilAsync(Pong.TlConstructorId, timeout.Token);

        var announcement = created.As<NewSessionCreated>();
        Assert.Equal(pingId, announcement.FirstMsgId);
        Assert.Equal(client.Salt, announcement.ServerSalt);
        Assert.Equal((pingId, 77L), (pong.As<Pong>().MsgId, pong.As<Pong>().PingId));
        Assert.True(MessageIdGenerator.HasKind(pong.MsgId, MessageIdKind.ServerResponse));
        Assert.True(MessageIdGenerator.HasKind(created.MsgId, MessageIdKind.ServerInitiated));
    }

    [Fact]
    public async Task Invoke_UnimplementedMethod_AnswersInputMethodInvalid()
    {
        using var timeout = EmulatorTestSupport.Timeout();
        await using var emulator = await TelegramEmulator.StartAsync(cancellationToken: timeout.Token);
        await using var client = await ConnectedClientAsync(emulator, timeout.Token);

        var outcome = await client.InvokeAsync(WithLayer(198, new Help.GetPremiumPromo()), timeout.Token);

        Assert.Equal((400, "INPUT_METHOD_INVALID"), (outcome.Error.ErrorCode, outcome.Error.ErrorMessage));
    }

    [Theory]
    [InlineData("2630b31f" + "00000000")] // help.getNearestDc with bytes after it
    [InlineData("0d0d9bda")] // invokeWithLayer cut off before its layer
    [InlineData("")] // not even a constructor id
    public async Task Invoke_UnparseableRequest_AnswersInputRequestInvalid(string hex)
    {
        using var timeout = EmulatorTestSupport.Timeout();
        await using var emulator = await TelegramEmulator.StartAsync(cancellationToken: timeout.Token);
        await using var client = await ConnectedClientAsync(emulator, timeout.Token);
        var body = Convert.FromHexString(hex);

        var outcome = await client.InvokeAsync(body, timeout.Token);

        Assert.Equal((400, "INPUT_REQUEST_INVALID"), (outcome.Error.ErrorCode, outcome.Error.ErrorMessage));
        Assert.IsType<Pong>(await PingAsync(client, timeout.Token)); // and the connection carries on
    }

    [Fact]
    public async Task Container_SeveralRequests_AllAnsweredTogetherInAContainer()
    {
        using var timeout = EmulatorTestSupport.Timeout();
        await using var emulator = await TelegramEmulator.StartAsync(cancellationToken: timeout.Token);
        await using var client = await ConnectedClientAsync(emulator, timeout.Token);

        var ids = await client.SendContainerAsync(timeout.Token,
            TlSerializer.ToArray(new Ping { PingId = 1 }),
            TlSerializer.ToArray(new Help.GetNearestDc()),
            TlSerializer.ToArray(new Ping { PingId = 2 }));

        var (first, _) = await client.ReceiveUntilAsync(Pong.TlConstructorId, timeout.Token);
        var result = await client.ReceiveResultAsync(ids[1], timeout.Token);
        var (second, _) = await client.ReceiveUntilAsync(Pong.TlConstructorId, timeout.Token);
        Assert.Equal((ids[0], ids[2]), (first.As<Pong>().MsgId, second.As<Pong>().MsgId));
        Assert.IsType<NearestDc>(result.Result);
        Assert.True(first.InContainer && second.InContainer && result.Message.InContainer);
    }

    [Fact]
    public async Task Invoke_ResultAboveGzipThreshold_ArrivesGzipPacked()
    {
        using var timeout = EmulatorTestSupport.Timeout();
        await using var emulator = await TelegramEmulator.StartAsync(new EmulatorOptions { GzipThreshold = 64 }, cancellationToken: timeout.Token);
        await using var client = await ConnectedClientAsync(emulator, timeout.Token);

        var config = await client.InvokeAsync(new Help.GetConfig(), timeout.Token);
        var nearest = await client.InvokeAsync(new Help.GetNearestDc(), timeout.Token);

        Assert.True(config.WasGzipped);
        Assert.IsType<Config>(config.Result);
        Assert.False(nearest.WasGzipped);
    }

    [Fact]
    public async Task Send_WrongSalt_AnswersBadServerSaltAndAcceptsTheNewSalt()
    {
        using var timeout = EmulatorTestSupport.Timeout();
        await using var emulator = await TelegramEmulator.StartAsync(cancellationToken: timeout.Token);
        await using var client = await ConnectedClientAsync(emulator, timeout.Token);
        var goodSalt = client.Salt;

        var msgId = await client.SendAsync(TlSerializer.ToArray(new Ping { PingId = 5 }), timeout.Token, salt: goodSalt + 1);
        var (bad, skipped) = await client.ReceiveUntilAsync(BadServerSalt.TlConstructorId, timeout.Token);

        var notification = bad.As<BadServerSalt>();
        Assert.Equal((msgId, 48, goodSalt), (notification.BadMsgId, notification.ErrorCode, notification.NewServerSalt));
        Assert.DoesNotContain(skipped, m => m.Constructor == Pong.TlConstructorId);
        Assert.IsType<Pong>(await PingAsync(client, timeout.Token));
    }

    [Fact]
    public async Task RotateSalts_NextMessage_GetsBadServerSaltWithAFreshSalt()
    {
        using var timeout = EmulatorTestSupport.Timeout();
        await using var emulator = await TelegramEmulator.StartAsync(cancellationToken: timeout.Token);
        await using var client = await ConnectedClientAsync(emulator, timeout.Token);
        var oldSalt = client.Salt;

        emulator.Faults.RotateSalts();
        await client.SendAsync(new Ping { PingId = 1 }, timeout.Token);
        var (bad, _) = await client.ReceiveUntilAsync(BadServerSalt.TlConstructorId, timeout.Token);

        var newSalt = bad.As<BadServerSalt>().NewServerSalt;
        Assert.NotEqual(oldSalt, newSalt);
        client.Salt = newSalt;
        Assert.IsType<Pong>(await PingAsync(client, timeout.Token));
    }

    [Fact]
    public async Task Salts_PreviousSalt_AcceptedDuringTheGracePeriodOnly()
    {
        using var timeout = EmulatorTestSupport.Timeout();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = new EmulatorOptions { TimeProvider = time, SaltLifetime = TimeSpan.FromMinutes(30), SaltGracePeriod = TimeSpan.FromMinutes(30) };
        await using var emulator = await TelegramEmulator.StartAsync(options, cancellationToken: timeout.Token);
        await using var client = await ConnectedClientAsync(emulator, timeout.Token, time);

        time.Advance(TimeSpan.FromMinutes(45)); // the first salt's window is over, its grace is not
        Assert.IsType<Pong>(await PingAsync(client, timeout.Token));

        time.Advance(TimeSpan.FromMinutes(20)); // now past the grace period too
        await client.SendAsync(new Ping { PingId = 1 }, timeout.Token);
        var (bad, _) = await client.ReceiveUntilAsync(BadServerSalt.TlConstructorId, timeout.Token);
        Assert.NotEqual(client.Salt, bad.As<BadServerSalt>().NewServerSalt);
    }

    [Fact]
    public async Task GetFutureSalts_ReturnsConsecutiveWindowsStartingWithTheCurrentSalt()
    {
        using var timeout = EmulatorTestSupport.Timeout();
        await using var emulator = await TelegramEmulator.StartAsync(cancellationToken: timeout.Token);
        await using var client = await ConnectedClientAsync(emulator, timeout.Token);

        var msgId = await client.SendAsync(new GetFutureSalts { Num = 3 }, timeout.Token);
        var (message, _) = await client.ReceiveUntilAsync(FutureSalts.TlConstructorId, timeout.Token);

        var salts = message.As<FutureSalts>();
        Assert.Equal(msgId, salts.ReqMsgId);
        Assert.Equal(3, salts.Salts.Count);
        Assert.Equal(client.Salt, salts.Salts[0].Salt);
        Assert.Equal(salts.Salts[0].ValidUntil, salts.Salts[1].ValidSince);
        Assert.Equal(salts.Salts[1].ValidUntil, salts.Salts[2].ValidSince);
    }

    [Theory]
    [InlineData(-400, 16)]
    [InlineData(60, 17)]
    public async Task Send_MsgIdOutsideTheTimeWindow_AnswersBadMsgNotification(int secondsOff, int expectedCode)
    {
        using var timeout = EmulatorTestSupport.Timeout();
        await using var emulator = await TelegramEmulator.StartAsync(cancellationToken: timeout.Token);
        await using var client = await ConnectedClientAsync(emulator, timeout.Token);

        var msgId = MessageIdGenerator.FromTime(DateTimeOffset.UtcNow.AddSeconds(secondsOff), MessageIdKind.Client);
        await client.SendAsync(TlSerializer.ToArray(new Ping { PingId = 1 }), timeout.Token, msgId: msgId);
        var notification = await BadMsgAsync(client, timeout.Token);

        Assert.Equal((msgId, expectedCode), (notification.BadMsgId, notification.ErrorCode));
    }

    [Fact]
    public async Task Send_MsgIdNotDivisibleBy4_AnswersBadMsgNotification18()
    {
        using var timeout = EmulatorTestSupport.Timeout();
        await using var emulator = await TelegramEmulator.StartAsync(cancellationToken: timeout.Token);
        await using var client = await ConnectedClientAsync(emulator, timeout.Token);

        await client.SendAsync(TlSerializer.ToArray(new Ping { PingId = 1 }), timeout.Token, msgId: client.Ids.NextClientId() + 2);

        Assert.Equal(18, (await BadMsgAsync(client, timeout.Token)).ErrorCode);
    }

    [Fact]
    public async Task Send_EvenSeqNoForARequest_AnswersBadMsgNotification35()
    {
        using var timeout = EmulatorTestSupport.Timeout();
        await using var emulator = await TelegramEmulator.StartAsync(cancellationToken: timeout.Token);
        await using var client = await ConnectedClientAsync(emulator, timeout.Token);

        await client.SendAsync(TlSerializer.ToArray(new Ping { PingId = 1 }), timeout.Token, seqNo: 0);

        Assert.Equal(35, (await BadMsgAsync(client, timeout.Token)).ErrorCode);
    }

    [Fact]
    public async Task Send_LaterMessageWithALowerSeqNo_AnswersBadMsgNotification32()
    {
        using var timeout = EmulatorTestSupport.Timeout();
        await using var emulator = await TelegramEmulator.StartAsync(cancellationToken: timeout.Token);
        await using var client = await ConnectedClientAsync(emulator, timeout.Token);
        await client.SendAsync(TlSerializer.ToArray(new Ping { PingId = 1 }), timeout.Token, seqNo: 9);
        await client.ReceiveUntilAsync(Pong.TlConstructorId, timeout.Token);

        await client.SendAsync(TlSerializer.ToArray(new Ping { PingId = 2 }), timeout.Token, seqNo: 3);

        Assert.Equal(32, (await BadMsgAsync(client, timeout.Token)).ErrorCode);
    }

    [Fact]
    public async Task Send_DuplicateMsgId_IsIgnored()
    {
        using var timeout = EmulatorTestSupport.Timeout();
        await using var emulator = await TelegramEmulator.StartAsync(cancellationToken: timeout.Token);
        await using var client = await ConnectedClientAsync(emulator, timeout.Token);
        var msgId = client.Ids.NextClientId();
        await client.SendAsync(TlSerializer.ToArray(new Ping { PingId = 1 }), timeout.Token, msgId: msgId, seqNo: 1);
        await client.ReceiveUntilAsync(Pong.TlConstructorId, timeout.Token);

        await client.SendAsync(TlSerializer.ToArray(new Ping { PingId = 1 }), timeout.Token, msgId: msgId, seqNo: 1);
        var next = await client.SendAsync(TlSerializer.ToArray(new Ping { PingId = 2 }), timeout.Token, seqNo: 3);
        var (pong, skipped) = await client.ReceiveUntilAsync(Pong.TlConstructorId, timeout.Token);

        Assert.Equal(next, pong.As<Pong>().MsgId);
        Assert.DoesNotContain(skipped, m => m.Constructor is Pong.TlConstructorId or BadMsgNotification.TlConstructorId);
    }

    [Fact]
    public async Task Faults_SendBadMsgNotification_RejectsOnlyTheNextMessage()
    {
        using var timeout = EmulatorTestSupport.Timeout();
        await using var emulator = await TelegramEmulator.StartAsync(cancellationToken: timeout.Token);
        await using var client = await ConnectedClientAsync(emulator, timeout.Token);

        emulator.Faults.SendBadMsgNotification(33);
        var rejected = await client.SendAsync(new Help.GetNearestDc(), timeout.Token);
        var notification = await BadMsgAsync(client, timeout.Token);
        var retried = await client.InvokeAsync(new Help.GetNearestDc(), timeout.Token);

        Assert.Equal((rejected, 33), (notification.BadMsgId, notification.ErrorCode));
        Assert.IsType<NearestDc>(retried.Result);
    }

    [Fact]
    public async Task Faults_SendBadMsgNotification48_SendsBadServerSalt()
    {
        using var timeout = EmulatorTestSupport.Timeout();
        await using var emulator = await TelegramEmulator.StartAsync(cancellationToken: timeout.Token);
        await using var client = await ConnectedClientAsync(emulator, timeout.Token);

        emulator.Faults.SendBadMsgNotification(48);
        await client.SendAsync(new Ping { PingId = 1 }, timeout.Token);
        var (bad, _) = await client.ReceiveUntilAsync(BadServerSalt.TlConstructorId, timeout.Token);

        Assert.Equal(client.Salt, bad.As<BadServerSalt>().NewServerSalt);
    }

    [Fact]
    public async Task Faults_SendTransportError_TheClientReceivesTheCode()
    {
        using var timeout = EmulatorTestSupport.Timeout();
        await using var emulator = await TelegramEmulator.StartAsync(cancellationToken: timeout.Token);
        await using var client = await ConnectedClientAsync(emulator, timeout.Token);

        emulator.Faults.SendTransportError(-429);
        await client.SendAsync(new Ping { PingId = 1 }, timeout.Token);

        var error = await Assert.ThrowsAsync<TransportErrorException>(() => client.ReceiveAsync(timeout.Token));
        Assert.Equal(-429, error.Code);
    }

    [Fact]
    public async Task Faults_WithholdNextResponse_AcknowledgesButDoesNotAnswer()
    {
        using var timeout = EmulatorTestSupport.Timeout();
        await using var emulator = await TelegramEmulator.StartAsync(cancellationToken: timeout.Token);
        await using var client = await ConnectedClientAsync(emulator, timeout.Token);

        emulator.Faults.WithholdNextResponse();
        var withheld = await client.SendAsync(new Help.GetNearestDc(), timeout.Token);
        var (ack, _) = await client.ReceiveUntilAsync(MsgsAck.TlConstructorId, timeout.Token);
        var answered = await client.SendAsync(new Help.GetNearestDc(), timeout.Token);
        var result = await client.ReceiveResultAsync(answered, timeout.Token);

        Assert.Contains(withheld, ack.As<MsgsAck>().MsgIds);
        Assert.IsType<NearestDc>(result.Result);
    }

    [Fact]
    public async Task Faults_DelayResponses_AnswersOnlyOnceTheDelayHasPassed()
    {
        using var timeout = EmulatorTestSupport.Timeout();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var emulator = await TelegramEmulator.StartAsync(new EmulatorOptions { TimeProvider = time }, cancellationToken: timeout.Token);
        await using var client = await ConnectedClientAsync(emulator, timeout.Token, time);

        emulator.Faults.DelayResponses(TimeSpan.FromSeconds(10));
        var msgId = await client.SendAsync(new Help.GetNearestDc(), timeout.Token);
        var (ack, skipped) = await client.ReceiveUntilAsync(MsgsAck.TlConstructorId, timeout.Token);
        Assert.Contains(msgId, ack.As<MsgsAck>().MsgIds);
        Assert.DoesNotContain(skipped, m => m.Constructor == TlServiceMessages.RpcResultId);

        time.Advance(TimeSpan.FromSeconds(10));
        var result = await client.ReceiveResultAsync(msgId, timeout.Token);
        Assert.IsType<NearestDc>(result.Result);
    }

    [Fact]
    public async Task Faults_DropConnections_TheKeyAndSessionWorkOnANewConnection()
    {
        using var timeout = EmulatorTestSupport.Timeout();
        await using var emulator = await TelegramEmulator.StartAsync(cancellationToken: timeout.Token);
        await using var client = await ConnectedClientAsync(emulator, timeout.Token);

        emulator.Faults.DropConnections();
        await Assert.ThrowsAsync<TransportException>(() => client.ReceiveAsync(timeout.Token));

        await using var again = await EmulatorTestClient.ConnectWithKeyAsync(client, emulator, timeout.Token);
        again.SessionId = client.SessionId;
        Assert.IsType<Config>((await again.InvokeAsync(new Help.GetConfig(), timeout.Token)).Result);
    }

    [Fact]
    public async Task Faults_SendNewSessionCreated_ReachesTheLiveSession()
    {
        using var timeout = EmulatorTestSupport.Timeout();
        await using var emulator = await TelegramEmulator.StartAsync(cancellationToken: timeout.Token);
        await using var client = await ConnectedClientAsync(emulator, timeout.Token);
        var ping = Assert.IsType<Pong>(await PingAsync(client, timeout.Token)); // the session exists once it has carried a message

        emulator.Faults.SendNewSessionCreated();
        var (created, _) = await client.ReceiveUntilAsync(NewSessionCreated.TlConstructorId, timeout.Token);

        Assert.Equal(client.Salt, created.As<NewSessionCreated>().ServerSalt);
        Assert.Equal(ping.MsgId, created.As<NewSessionCreated>().FirstMsgId);
    }

    [Fact]
    public async Task Faults_RetryNextKeyExchange_TheClientFinishesWithItsRetryId()
    {
        using var timeout = EmulatorTestSupport.Timeout();
        await using var emulator = await TelegramEmulator.StartAsync(cancellationToken: timeout.Token);
        emulator.Faults.RetryNextKeyExchange();
        await using var client = await EmulatorTestClient.ConnectAsync(emulator, timeout.Token);

        var key = await client.CreateAuthKeyAsync(timeout.Token);

        Assert.True(emulator.AuthKeys(2).TryGet(key.Id, out _));
        Assert.Equal(1, emulator.AuthKeys(2).Count);
    }

    [Fact]
    public async Task DestroySession_AnswersOkForAnotherSessionAndNoneForAnUnknownOne()
    {
        using var timeout = EmulatorTestSupport.Timeout();
        await using var emulator = await TelegramEmulator.StartAsync(cancellationToken: timeout.Token);
        await using var client = await ConnectedClientAsync(emulator, timeout.Token);
        var firstSession = client.SessionId;
        await PingAsync(client, timeout.Token);
        client.SessionId = firstSession + 1; // a second session on the same key
        await PingAsync(client, timeout.Token);

        await client.SendAsync(new DestroySession { SessionId = firstSession }, timeout.Token);
        var (ok, _) = await client.ReceiveUntilAsync(DestroySessionOk.TlConstructorId, timeout.Token);
        await client.SendAsync(new DestroySession { SessionId = 42 }, timeout.Token);
        var (none, _) = await client.ReceiveUntilAsync(DestroySessionNone.TlConstructorId, timeout.Token);

        Assert.Equal(firstSession, ok.As<DestroySessionOk>().SessionId);
        Assert.Equal(42, none.As<DestroySessionNone>().SessionId);
        Assert.False(emulator.AuthKeys(2).TryGet(client.AuthKey!.Id, out var key) && key.Sessions.ContainsKey(firstSession));
    }

    [Fact]
    public async Task MsgsStateReq_AnswersOneStateBytePerId()
    {
        using var timeout = EmulatorTestSupport.Timeout();
        await using var emulator = await TelegramEmulator.StartAsync(cancellationToken: timeout.Token);
        await using var client = await ConnectedClientAsync(emulator, timeout.Token);

        var msgId = await client.SendAsync(new MsgsStateReq { MsgIds = [1, 2, 3] }, timeout.Token);
        var (info, _) = await client.ReceiveUntilAsync(MsgsStateInfo.TlConstructorId, timeout.Token);

        Assert.Equal((msgId, 3), (info.As<MsgsStateInfo>().ReqMsgId, info.As<MsgsStateInfo>().Info.Length));
    }

    [Fact]
    public async Task PingDelayDisconnect_NoNewPingInTime_ClosesTheConnection()
    {
        using var timeout = EmulatorTestSupport.Timeout();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var emulator = await TelegramEmulator.StartAsync(new EmulatorOptions { TimeProvider = time }, cancellationToken: timeout.Token);
        await using var client = await ConnectedClientAsync(emulator, timeout.Token, time);

        await client.SendAsync(new PingDelayDisconnect { PingId = 9, DisconnectDelay = 75 }, timeout.Token);
        var (pong, _) = await client.ReceiveUntilAsync(Pong.TlConstructorId, timeout.Token);
        Assert.Equal(9, pong.As<Pong>().PingId);

        time.Advance(TimeSpan.FromSeconds(74));
        Assert.IsType<Pong>(await PingAsync(client, timeout.Token)); // still open just before the delay
        time.Advance(TimeSpan.FromSeconds(2));
        await Assert.ThrowsAsync<TransportException>(() => client.ReceiveAsync(timeout.Token));
    }

    [Fact]
    public async Task Send_UnknownAuthKey_AnswersTransportError404()
    {
        using var timeout = EmulatorTestSupport.Timeout();
        await using var emulator = await TelegramEmulator.StartAsync(cancellationToken: timeout.Token);
        await using var other = await TelegramEmulator.StartAsync(cancellationToken: timeout.Token);
        await using var stranger = await ConnectedClientAsync(other, timeout.Token);
        await using var client = await EmulatorTestClient.ConnectWithKeyAsync(stranger, emulator, timeout.Token);

        await client.SendAsync(new Ping { PingId = 1 }, timeout.Token);

        Assert.Equal(-404, (await Assert.ThrowsAsync<TransportErrorException>(() => client.ReceiveAsync(timeout.Token))).Code);
    }

    private static async Task<EmulatorTestClient> ConnectedClientAsync(TelegramEmulator emulator, CancellationToken ct, TimeProvider? time = null)
    {
        var client = await EmulatorTestClient.ConnectAsync(emulator, ct, time: time);
        await client.CreateAuthKeyAsync(ct);
        return client;
    }

    private static async Task<ITlObject> PingAsync(EmulatorTestClient client, CancellationToken ct)
    {
        var msgId = await client.SendAsync(new Ping { PingId = Random.Shared.NextInt64() }, ct);
        while (true)
        {
            var (pong, _) = await client.ReceiveUntilAsync(Pong.TlConstructorId, ct);
            if (pong.As<Pong>().MsgId == msgId)
            {
                return pong.As<Pong>();
            }
        }
    }

    private static async Task<BadMsgNotification> BadMsgAsync(EmulatorTestClient client, CancellationToken ct)
        => (await client.ReceiveUntilAsync(BadMsgNotification.TlConstructorId, ct)).Message.As<BadMsgNotification>();

    /// <summary>invokeWithLayer(layer, initConnection(…, query)) written by hand, as a client's first call is.</summary>
    private static byte[] WithLayer(int layer, ITlObject query)
        => EmulatorTestClient.Build((ref TlWriter w) =>
        {
            w.WriteUInt32(InvokeWithLayer.TlConstructorId);
            w.WriteInt32(layer);
            w.WriteUInt32(InitConnection.TlConstructorId);
            w.WriteInt32(0); // flags
            w.WriteInt32(1); // api_id
            foreach (var text in (string[])["test device", "linux", "1.0", "en", "", "en"])
            {
                w.WriteString(text);
            }

            query.Write(ref w);
        });
}
