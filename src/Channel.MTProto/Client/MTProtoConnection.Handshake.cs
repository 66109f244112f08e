using Channel.MTProto.Session;
using Channel.MTProto.Session.Handshake;
using Channel.MTProto.Transport;

namespace Channel.MTProto.Client;

internal sealed partial class MTProtoConnection
{
    /// <summary>Test DCs take the DC number + 10000 in p_q_inner_data_dc.</summary>
    private const int TestDcOffset = 10000;

    /// <summary>
    /// Uses the auth key from the session state, or creates one with the key exchange over this transport
    /// connection and stores it (with the first salt and the clock offset) in the state, which tells the host to save.
    /// </summary>
    private async Task EnsureAuthKeyAsync(FramedConnection framed, CancellationToken cancellationToken)
    {
        if (_state.GetAuthKey(_dcId) is { } stored)
        {
            if (!stored.Equals(_authKey))
            {
                _authKey = stored;
                StartNewSession();
            }

            _messageIds.ClockOffset = _state.GetTimeOffset(_dcId);
            Volatile.Write(ref _salt, SelectSalt());
            return;
        }

        Log.HandshakeStarted(_logger, _dcId);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.HandshakeTimeout);
        var handshake = new ClientHandshake(_options.ServerPublicKeys, _options.TestMode ? _dcId + TestDcOffset : _dcId, _random, _timeProvider);
        HandshakeResult result;
        try
        {
            result = await handshake.RunAsync((body, token) => ExchangePlainAsync(framed, body, token), timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The auth-key exchange did not finish within {_options.HandshakeTimeout.TotalSeconds:0} s.");
        }

        _authKey = result.AuthKey;
        _messageIds.ClockOffset = result.ClockOffset;
        Volatile.Write(ref _salt, result.ServerSalt);
        StartNewSession();
        _state.SetAuthKey(_dcId, result.AuthKey, result.ServerSalt, result.ClockOffset);
        Log.HandshakeCompleted(_logger, _dcId, result.AuthKey.Id, result.ClockOffset.TotalSeconds);
    }

    private async ValueTask<byte[]> ExchangePlainAsync(FramedConnection framed, byte[] body, CancellationToken cancellationToken)
    {
        await framed.SendAsync(PlainMessage.Encode(_messageIds.NextClientId(), body), cancellationToken).ConfigureAwait(false);
        using var frame = await framed.ReceiveAsync(cancellationToken).ConfigureAwait(false);
        PlainMessage.Read(frame.Payload.Span, out var answer);
        return answer.ToArray();
    }
}
