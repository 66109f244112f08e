using Channel.MTProto.Client;
using Channel.MTProto.Tl.Api;
using Pong = Channel.MTProto.Tl.Mt.Pong;
using Channel.MTProto.Transport;

namespace Channel.MTProto.Tests.Client;

/// <summary>Our client against the in-process emulator over real loopback TCP.</summary>
public sealed class MTProtoClientEmulatorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, bool> Transports => new()
    {
        { nameof(TransportKind.Abridged), false },
        { nameof(TransportKind.Abridged), true },
        { nameof(TransportKind.Intermediate), false },
        { nameof(TransportKind.Intermediate), true },
        { nameof(TransportKind.PaddedIntermediate), false },
        { nameof(TransportKind.PaddedIntermediate), true },
        { nameof(TransportKind.Full), false },
    };

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task InvokeAsync_EveryTransport_CreatesKeyAndGetsConfig(string transport, bool obfuscated)
    {
        await using var harness = await ClientHarness.StartAsync(Ct);
        var client = harness.CreateClient(harness.Options(Enum.Parse<TransportKind>(transport), obfuscated));
        var changes = 0;
        client.Session.Changed += (_, _) => Interlocked.Increment(ref changes);

        await client.ConnectAsync(Ct);
        var config = Assert.IsType<Config>(await client.InvokeAsync(new Help.GetConfig(), Ct));

        Assert.Equal(harness.Emulator.MainDcId, config.ThisDc);
        Assert.NotEmpty(config.DcOptions);
        Assert.NotNull(client.Session.GetAuthKey(harness.Emulator.MainDcId));
        Assert.True(changes > 0);
        Assert.IsType<Pong>(await client.PingAsync(cancellationToken: Ct));
    }

    [Fact]
    public async Task InvokeAsync_ThousandConcurrentCalls_AllCompletePipelined()
    {
        await using var harness = await ClientHarness.StartAsync(Ct);
        var client = harness.CreateClient();
        await client.ConnectAsync(Ct);

        var calls = Enumerable.Range(0, 1000).Select(_ => client.InvokeAsync(new Help.GetNearestDc(), Ct)).ToArray();
        var pings = Enumerable.Range(0, 1000).Select(_ => client.PingAsync(cancellationToken: Ct)).ToArray();
        var results = await Task.WhenAll(calls);
        await Task.WhenAll(pings);

        Assert.All(results, r => Assert.Equal(harness.Emulator.MainDcId, Assert.IsType<NearestDc>(r).ThisDc));
    }

    [Fact]
    public async Task InvokeAsync_SaltsRotatedMidStream_AllCallsCompleteWithNewSalt()
    {
        await using var harness = await ClientHarness.StartAsync(Ct);
        var client = harness.CreateClient();
        await client.InvokeAsync(new Help.GetNearestDc(), Ct);
        var saltsBefore = client.Session.GetSalts(harness.Emulator.MainDcId).Select(s => s.Salt).ToHashSet();

        var first = Enumerable.Range(0, 100).Select(_ => client.InvokeAsync(new Help.GetNearestDc(), Ct)).ToArray();
        harness.Emulator.Faults.RotateSalts();
        var second = Enumerable.Range(0, 100).Select(_ => client.InvokeAsync(new Help.GetNearestDc(), Ct)).ToArray();
        await Task.WhenAll(first.Concat(second));

        Assert.Contains(client.Session.GetSalts(harness.Emulator.MainDcId), s => !saltsBefore.Contains(s.Salt));
        Assert.Contains(harness.Logs.Entries, e => IsConnectionEvent(e, 7));
    }

    [Fact]
    public async Task InvokeAsync_ConnectionDroppedMidCall_CompletesAfterReconnect()
    {
        await using var harness = await ClientHarness.StartAsync(Ct);
        var client = await harness.CreateSettledClientAsync(Ct);
        var disconnected = new TaskCompletionSource<MTProtoDisconnectedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Disconnected += (_, e) => disconnected.TrySetResult(e);

        harness.Emulator.Faults.WithholdNextResponse();
        var call = client.InvokeAsync(new Help.GetConfig(), Ct);
        await Task.Delay(200, Ct); // let the request reach the server, whose answer is withheld
        harness.Emulator.Faults.DropConnections();

        var config = Assert.IsType<Config>(await call);
        Assert.Equal(harness.Emulator.MainDcId, config.ThisDc);
        Assert.StartsWith("TransportException", (await disconnected.Task).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(18)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(48)]
    public async Task InvokeAsync_BadMsgNotification_RecoversAndCompletes(int code)
    {
        await using var harness = await ClientHarness.StartAsync(Ct);
        var client = await harness.CreateSettledClientAsync(Ct);

        harness.Emulator.Faults.SendBadMsgNotification(code);
        var result = await client.InvokeAsync(new Help.GetNearestDc(), Ct);

        Assert.IsType<NearestDc>(result);
        Assert.Contains(harness.Logs.Entries, e => IsConnectionEvent(e, 7) || IsConnectionEvent(e, 8));
    }

    [Fact]
    public async Task InvokeAsync_Cancelled_ThrowsAndClientStaysUsable()
    {
        await using var harness = await ClientHarness.StartAsync(Ct);
        var client = await harness.CreateSettledClientAsync(Ct);
        harness.Emulator.Faults.WithholdNextResponse();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var call = client.InvokeAsync(new Help.GetConfig(), cancel.Token);
        await Task.Delay(200, Ct); // sent and withheld, so the cancellation, not the queue, ends it
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.IsType<NearestDc>(await client.InvokeAsync(new Help.GetNearestDc(), Ct));
    }

    [Fact]
    public async Task InvokeAsync_NoAnswerWithinTimeout_TimeoutException()
    {
        await using var harness = await ClientHarness.StartAsync(Ct);
        var client = await harness.CreateSettledClientAsync(Ct);
        harness.Emulator.Faults.WithholdNextResponse();

        await Assert.ThrowsAsync<TimeoutException>(() => client.InvokeAsync(new Help.GetConfig(), TimeSpan.FromMilliseconds(300), Ct));
        Assert.IsType<NearestDc>(await client.InvokeAsync(new Help.GetNearestDc(), Ct));
    }

    [Fact]
    public async Task ConnectAsync_RestoredSession_NoNewKeyExchange()
    {
        await using var harness = await ClientHarness.StartAsync(Ct);
        var first = harness.CreateClient();
        await first.InvokeAsync(new Help.GetConfig(), Ct);
        var saved = first.Session.Serialize();
        var key = first.Session.GetAuthKey(harness.Emulator.MainDcId);
        await first.DisposeAsync();
        var handshakesBefore = harness.Logs.Entries.Count(e => IsConnectionEvent(e, 3));

        var second = harness.CreateClient(session: MTProtoSessionState.Deserialize(saved));
        var config = await second.InvokeAsync(new Help.GetConfig(), Ct);

        Assert.IsType<Config>(config);
        Assert.Equal(key, second.Session.GetAuthKey(harness.Emulator.MainDcId));
        Assert.Equal(1, handshakesBefore);
        Assert.Equal(handshakesBefore, harness.Logs.Entries.Count(e => IsConnectionEvent(e, 3)));
    }

    [Fact]
    public async Task InvokeAsync_UnimplementedMethod_TypedRpcError()
    {
        await using var harness = await ClientHarness.StartAsync(Ct);
        var client = harness.CreateClient();

        var error = await Assert.ThrowsAsync<TelegramRpcException>(() => client.InvokeAsync(new Help.GetSupport(), Ct));

        Assert.Equal(400, error.Code);
        Assert.False(string.IsNullOrEmpty(error.ErrorName));
    }

    [Fact]
    public async Task InvokeAsync_ServerForgetsKeyOfUnauthorizedSession_NewKeyAndCallCompletes()
    {
        await using var harness = await ClientHarness.StartAsync(Ct);
        var client = harness.CreateClient();
        await client.InvokeAsync(new Help.GetNearestDc(), Ct);
        var oldKey = client.Session.GetAuthKey(harness.Emulator.MainDcId);

        harness.Emulator.Faults.SendTransportError(TransportErrorException.AuthKeyNotFound);
        var result = await client.InvokeAsync(new Help.GetNearestDc(), Ct);

        Assert.IsType<NearestDc>(result);
        Assert.NotEqual(oldKey, client.Session.GetAuthKey(harness.Emulator.MainDcId));
    }

    [Fact]
    public async Task InvokeAsync_ServerForgetsKeyOfAuthorizedSession_TerminalErrorAndNoReconnect()
    {
        await using var harness = await ClientHarness.StartAsync(Ct);
        var client = harness.CreateClient();
        await client.InvokeAsync(new Help.GetNearestDc(), Ct);
        client.Session.UserId = 42;
        var terminal = new TaskCompletionSource<MTProtoTerminalErrorEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.TerminalError += (_, e) => terminal.TrySetResult(e);

        harness.Emulator.Faults.SendTransportError(TransportErrorException.AuthKeyNotFound);
        var call = client.InvokeAsync(new Help.GetNearestDc(), Ct);

        var failure = await Assert.ThrowsAsync<MTProtoTerminalException>(() => call);
        Assert.Equal("AUTH_KEY_NOT_FOUND", failure.Error);
        Assert.Equal("AUTH_KEY_NOT_FOUND", (await terminal.Task).Error);
        await Assert.ThrowsAsync<MTProtoTerminalException>(() => client.InvokeAsync(new Help.GetNearestDc(), Ct));
    }

    [Fact]
    public async Task ConnectAsync_ServerAsksForDhRetry_KeyCreatedWithRetry()
    {
        await using var harness = await ClientHarness.StartAsync(Ct);
        harness.Emulator.Faults.RetryNextKeyExchange();
        var client = harness.CreateClient();

        await client.ConnectAsync(Ct);

        Assert.NotNull(client.Session.GetAuthKey(harness.Emulator.MainDcId));
        Assert.IsType<NearestDc>(await client.InvokeAsync(new Help.GetNearestDc(), Ct));
    }

    [Fact]
    public async Task NewSessionCreated_ServerRestartedSession_RaisesSessionReset()
    {
        await using var harness = await ClientHarness.StartAsync(Ct);
        var client = harness.CreateClient();
        await client.InvokeAsync(new Help.GetNearestDc(), Ct);
        var reset = new TaskCompletionSource<MTProtoSessionResetEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.SessionReset += (_, e) => reset.TrySetResult(e);

        harness.Emulator.Faults.SendNewSessionCreated();

        Assert.Equal(harness.Emulator.MainDcId, (await reset.Task.WaitAsync(Ct)).DcId);
        Assert.IsType<NearestDc>(await client.InvokeAsync(new Help.GetNearestDc(), Ct));
    }

    [Fact]
    public async Task InvokeOnDcAsync_SecondDc_OwnAuthKey()
    {
        await using var harness = await ClientHarness.StartAsync(Ct, dcIds: [2, 4]);
        var client = harness.CreateClient();

        var main = Assert.IsType<Config>(await client.InvokeAsync(new Help.GetConfig(), Ct));
        var other = Assert.IsType<Config>(await client.InvokeOnDcAsync(4, new Help.GetConfig(), timeout: null, Ct));

        Assert.Equal(2, main.ThisDc);
        Assert.Equal(4, other.ThisDc);
        Assert.Equal([2, 4], client.Session.DcIdsWithKeys);
        Assert.NotEqual(client.Session.GetAuthKey(2), client.Session.GetAuthKey(4));
    }

    [Fact]
    public async Task Updates_ServerPushesUpdates_DeliveredInOrderBesideTheResult()
    {
        await using var harness = await ClientHarness.StartAsync(Ct);
        var handlers = harness.Emulator.Handlers;
        Assert.True(handlers.TryGet(Help.GetNearestDc.TlConstructorId, out var original));
        handlers.Register(Help.GetNearestDc.TlConstructorId, async (context, request, token) =>
        {
            context.Push(Channel.MTProto.Tl.TlSerializer.ToArray(new UpdatesTooLong()));
            context.Push(Channel.MTProto.Tl.TlSerializer.ToArray(new UpdateShort { Update = new UpdateLoginToken(), Date = 7 }));
            return await original(context, request, token);
        });
        var client = harness.CreateClient();

        Assert.IsType<NearestDc>(await client.InvokeAsync(new Help.GetNearestDc(), Ct));

        Assert.IsType<UpdatesTooLong>(await client.Updates.ReadAsync(Ct));
        var second = Assert.IsType<UpdateShort>(await client.Updates.ReadAsync(Ct));
        Assert.Equal(7, second.Date);
        Assert.IsType<UpdateLoginToken>(second.Update);
    }

    private static bool IsConnectionEvent((string Category, Microsoft.Extensions.Logging.LogLevel Level, Microsoft.Extensions.Logging.EventId EventId, string Message) entry, int eventId) =>
        entry.Category.EndsWith(nameof(MTProtoConnection), StringComparison.Ordinal) && entry.EventId.Id == eventId;
}
