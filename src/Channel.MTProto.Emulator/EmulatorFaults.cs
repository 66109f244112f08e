namespace Channel.MTProto.Emulator;

/// <summary>
/// Makes the emulator misbehave on purpose so client code can be tested against it. Every method acts on all DCs
/// unless given a DC id. "Next" faults are consumed by the first message (or frame) that reaches them, on any
/// connection. Thread-safe.
/// </summary>
public sealed class EmulatorFaults
{
    private readonly TelegramEmulator _emulator;
    private long _responseDelayTicks;
    private int _withheldResponses;
    private int _badMsgCode;
    private int _transportError;
    private int _keyExchangeRetries;
    private int _lostPushes;

    internal EmulatorFaults(TelegramEmulator emulator) => _emulator = emulator;

    /// <summary>Closes every open client connection (of one DC, or all). Auth keys and sessions survive.</summary>
    public void DropConnections(int? dcId = null)
    {
        foreach (var dc in _emulator.Servers(dcId))
        {
            dc.DropConnections();
        }
    }

    /// <summary>Sends every RPC answer this much later (the request is acknowledged at once). Zero turns it off.</summary>
    public void DelayResponses(TimeSpan delay) => Interlocked.Exchange(ref _responseDelayTicks, Math.Max(0, delay.Ticks));

    /// <summary>The next RPC request is acknowledged but never answered (until the client sends it again).</summary>
    public void WithholdNextResponse() => Interlocked.Increment(ref _withheldResponses);

    /// <summary>Gives every auth key a new salt and stops accepting the old ones: the next message gets bad_server_salt.</summary>
    public void RotateSalts(int? dcId = null)
    {
        foreach (var dc in _emulator.Servers(dcId))
        {
            dc.RotateSalts();
        }
    }

    /// <summary>
    /// The next content-related client message is not processed but answered with bad_msg_notification carrying
    /// <paramref name="errorCode"/> (16, 17, 18, 32, 33, 34, 35, 64), or with bad_server_salt when it is 48.
    /// </summary>
    public void SendBadMsgNotification(int errorCode) => Interlocked.Exchange(ref _badMsgCode, errorCode);

    /// <summary>Sends new_session_created on every live session now (as after a server restart).</summary>
    public void SendNewSessionCreated(int? dcId = null)
    {
        foreach (var dc in _emulator.Servers(dcId))
        {
            dc.AnnounceNewSessions();
        }
    }

    /// <summary>The next frame from any client is answered with this transport error (−404, −429, −444) and the connection closed.</summary>
    public void SendTransportError(int code = -404) => Interlocked.Exchange(ref _transportError, code);

    /// <summary>The next set_client_DH_params is answered with dh_gen_retry (the client must retry with retry_id).</summary>
    public void RetryNextKeyExchange() => Interlocked.Increment(ref _keyExchangeRetries);

    /// <summary>Clears every pending fault and the response delay.</summary>
    public void Reset()
    {
        Interlocked.Exchange(ref _responseDelayTicks, 0);
        Interlocked.Exchange(ref _withheldResponses, 0);
        Interlocked.Exchange(ref _badMsgCode, 0);
        Interlocked.Exchange(ref _transportError, 0);
        Interlocked.Exchange(ref _keyExchangeRetries, 0);
    }

    internal TimeSpan ResponseDelay => TimeSpan.FromTicks(Interlocked.Read(ref _responseDelayTicks));

    /// <summary>
    /// The next <paramref name="count"/> update pushes are lost in transit: the server counts them as sent (kept
    /// until acknowledged) but never writes them, so only a resend after a reconnect of the session delivers them.
    /// </summary>
    public void LoseNextPushes(int count = 1) => Interlocked.Add(ref _lostPushes, Math.Max(0, count));

    internal bool TryTakeWithheldResponse() => TryDecrement(ref _withheldResponses);

    /// <summary>How many of the pushes <see cref="LoseNextPushes"/> asked for are still to be lost.</summary>
    public int PushesStillToLose => Volatile.Read(ref _lostPushes);

    internal bool TryTakeLostPush() => Volatile.Read(ref _lostPushes) > 0 && TryDecrement(ref _lostPushes);

    internal bool TryTakeKeyExchangeRetry() => TryDecrement(ref _keyExchangeRetries);

    internal bool TryTakeBadMsgCode(out int code)
    {
        code = Interlocked.Exchange(ref _badMsgCode, 0);
        return code != 0;
    }

    internal bool TryTakeTransportError(out int code)
    {
        code = Interlocked.Exchange(ref _transportError, 0);
        return code != 0;
    }

    private static bool TryDecrement(ref int counter)
    {
        while (true)
        {
            var current = Volatile.Read(ref counter);
            if (current <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref counter, current - 1, current) == current)
            {
                return true;
            }
        }
    }
}
