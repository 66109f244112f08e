using Channel.MTProto.Crypto;
using Channel.MTProto.Session;
using Channel.MTProto.Tl;
using Channel.MTProto.Tl.Mt;
using Channel.MTProto.Transport;

namespace Channel.MTProto.Client;

internal sealed partial class MTProtoConnection
{
    /// <summary>get_future_salts asks for this many (the server allows 1–64).</summary>
    private const int FutureSaltCount = 32;

    /// <summary>Refresh the salts when the last known one expires sooner than this.</summary>
    private static readonly TimeSpan SaltRefreshMargin = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Connect, make sure there is an auth key, run the receive/send/keep-alive loops until one of them fails, log
    /// why, re-queue what was unanswered, wait (exponential backoff with jitter) and start over — until disposal or a
    /// terminal error.
    /// </summary>
    private async Task RunAsync()
    {
        var attempt = 0;
        while (!_lifetime.IsCancellationRequested)
        {
            using var connectionScope = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
            var token = connectionScope.Token;
            FramedConnection? framed = null;
            Task[] loops = [];
            try
            {
                framed = await ConnectAsync(token).ConfigureAwait(false);
                await EnsureAuthKeyAsync(framed, token).ConfigureAwait(false);
                attempt = 0;
                _needsInitConnection = true;
                loops = [ReceiveLoopAsync(framed, token), SendLoopAsync(framed, token), KeepAliveLoopAsync(token)];
                lock (_lock)
                {
                    _ready.TrySetResult();
                }

                _owner.OnConnected(_dcId);

                await await Task.WhenAny(loops).ConfigureAwait(false);
                throw new TransportException(TransportFailure.ConnectionClosed, "A connection loop ended.");
            }
            catch (Exception ex) when (!_lifetime.IsCancellationRequested)
            {
                var reason = Describe(ex);
                Log.ConnectionClosed(_logger, _dcId, reason, ex);
                OnConnectionFailed(ex, handshakeDone: loops.Length > 0);
                _owner.OnDisconnected(_dcId, reason, ex);
            }
            catch (Exception) when (_lifetime.IsCancellationRequested)
            {
                // Disposed or terminal: nothing to report.
            }
            finally
            {
                await connectionScope.CancelAsync().ConfigureAwait(false);
                await Task.WhenAll(loops.Select(SwallowAsync)).ConfigureAwait(false);
                if (framed is not null)
                {
                    await framed.DisposeAsync().ConfigureAwait(false);
                }

                lock (_lock)
                {
                    if (_ready.Task.IsCompleted)
                    {
                        _ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    }
                }

                RequeueUnanswered();
            }

            if (_lifetime.IsCancellationRequested)
            {
                break;
            }

            attempt++;
            var delay = BackoffDelay(attempt);
            Log.Reconnecting(_logger, _dcId, delay.TotalMilliseconds, attempt);
            MTProtoTelemetry.Reconnecting(_dcId);
            try
            {
                await Task.Delay(delay, _timeProvider, _lifetime.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private static async Task SwallowAsync(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The loop's failure was already reported as the reason the connection closed.
        }
    }

    /// <summary>-404 on an encrypted connection: the server does not know our key.</summary>
    private void OnConnectionFailed(Exception exception, bool handshakeDone)
    {
        if (exception is not TransportErrorException { Code: TransportErrorException.AuthKeyNotFound } || !handshakeDone)
        {
            return;
        }

        if (_state.IsAuthorized && _dcId == _state.MainDcId)
        {
            // The login lived on that key: only a new login can fix this.
            EnterTerminalState("AUTH_KEY_NOT_FOUND");
            return;
        }

        Log.AuthKeyForgotten(_logger, _dcId);
        _state.SetAuthKey(_dcId, null, 0, _messageIds.ClockOffset);
        _authKey = null;
    }

    private async Task<FramedConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        var transport = new TransportOptions { Kind = _options.Transport, Obfuscated = _options.Obfuscated, DcId = (short)(_options.TestMode ? _dcId + TestDcOffset : _dcId) };
        Exception? last = null;
        foreach (var endPoint in await _endPoints(cancellationToken).ConfigureAwait(false))
        {
            Log.Connecting(_logger, _dcId, endPoint, _options.Transport.ToString(), _options.Obfuscated);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.ConnectTimeout);
            try
            {
                var framed = await FramedConnection.ConnectAsync(endPoint, transport, timeout.Token).ConfigureAwait(false);
                Log.Connected(_logger, _dcId, endPoint);
                return framed;
            }
            catch (TransportException ex)
            {
                last = ex;
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                last = new TimeoutException($"Connecting to {endPoint} timed out.", ex);
            }
        }

        throw last ?? new InvalidOperationException($"No address is known for DC {_dcId}.");
    }

    /// <summary>Every request that was sent on the closed connection and not answered goes out again on the next one.</summary>
    private void RequeueUnanswered()
    {
        _containers.Clear();
        var unanswered = new List<PendingRequest>();
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var request) && !request.IsCompleted)
            {
                unanswered.Add(request);
            }
        }

        foreach (var request in unanswered.OrderBy(r => r.MessageId))
        {
            if (request.IsApiCall)
            {
                _resend.Enqueue(request);
            }
            else
            {
                // A ping or salt request belongs to the connection that sent it.
                request.Fail(new TransportException(TransportFailure.ConnectionBroken, "The connection closed before the answer."));
            }
        }

        if (unanswered.Count > 0)
        {
            Log.Resending(_logger, _dcId, unanswered.Count);
        }
    }

    /// <summary>base · 2^(attempt−1), capped, scaled by a random factor in [1 − jitter, 1 + jitter].</summary>
    private TimeSpan BackoffDelay(int attempt) =>
        ExponentialBackoff.Delay(attempt, _options.ReconnectBaseDelay, _options.ReconnectMaxDelay, _options.ReconnectJitter, ExponentialBackoff.Unit(_random));

    /// <summary>
    /// ping_delay_disconnect at once and then every <see cref="MTProtoClientOptions.PingInterval"/> (the server closes
    /// the connection if the next one is late; an unanswered ping closes it from our side) and future salts before the
    /// known ones run out.
    /// </summary>
    private async Task KeepAliveLoopAsync(CancellationToken cancellationToken)
    {
        // The server sends a session's updates, and re-sends the ones we never acknowledged, only over the connection
        // that last carried a message of that session. With nothing else to send, a new connection would stay unknown
        // to it, and silent, until the first tick.
        await PingDelayDisconnectAsync(cancellationToken).ConfigureAwait(false);
        await RefreshSaltsIfNeededAsync(cancellationToken).ConfigureAwait(false);
        using var timer = new PeriodicTimer(_options.PingInterval, _timeProvider);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            await PingDelayDisconnectAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _salt, SelectSalt());
            await RefreshSaltsIfNeededAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private Task<PongBase> PingDelayDisconnectAsync(CancellationToken cancellationToken)
    {
        var ping = new PingDelayDisconnect { PingId = RandomInt64(), DisconnectDelay = (int)_options.PingDisconnectDelay.TotalSeconds };
        return InvokeServiceAsync(ping, _options.PingInterval, cancellationToken);
    }

    private async Task RefreshSaltsIfNeededAsync(CancellationToken cancellationToken)
    {
        var now = _messageIds.ServerNow;
        var salts = _state.GetSalts(_dcId);
        if (salts.Any(s => s.ValidSince > now) && salts.Max(s => s.ValidUntil) > now + SaltRefreshMargin)
        {
            return;
        }

        try
        {
            var answer = await InvokeServiceAsync(new GetFutureSalts { Num = FutureSaltCount }, _options.RequestTimeout, cancellationToken).ConfigureAwait(false);
            if (answer is FutureSalts future)
            {
                _state.SetFutureSalts(
                    _dcId,
                    future.Salts.Select(s => new ServerSalt(s.Salt, DateTimeOffset.FromUnixTimeSeconds(s.ValidSince), DateTimeOffset.FromUnixTimeSeconds(s.ValidUntil))),
                    now);
                Volatile.Write(ref _salt, SelectSalt());
            }
        }
        catch (Exception ex) when (ex is TelegramRpcException or MTProtoProtocolException or TlDeserializationException)
        {
            // Not fatal: bad_server_salt still tells us the right salt when ours expires.
            Log.KeepAliveFailed(_logger, _dcId, ex);
        }
    }

    /// <summary>The most recent salt already valid on the server's clock, or the first one known.</summary>
    private long SelectSalt()
    {
        var now = _messageIds.ServerNow;
        var salts = _state.GetSalts(_dcId);
        var valid = salts.Where(s => s.ValidSince <= now && s.ValidUntil > now).MaxBy(s => s.ValidSince);
        return (valid ?? salts.FirstOrDefault())?.Salt ?? Volatile.Read(ref _salt);
    }

    private long RandomInt64()
    {
        Span<byte> bytes = stackalloc byte[8];
        _random.Fill(bytes);
        return BitConverter.ToInt64(bytes);
    }

    /// <summary>A short typed reason for logs and the Disconnected event; never message contents.</summary>
    private static string Describe(Exception exception) => exception switch
    {
        TransportErrorException transportError => $"TransportError/{transportError.Code}",
        TransportException transport => $"TransportException/{transport.Failure}",
        MessageDecodeException decode => $"MessageDecodeException/{decode.Error}",
        MTProtoSecurityException => "MTProtoSecurityException",
        TlDeserializationException => "TlDeserializationException",
        TimeoutException => "Timeout",
        _ => exception.GetType().Name,
    };
}
