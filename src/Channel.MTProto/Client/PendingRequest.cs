using Channel.MTProto.Tl;

namespace Channel.MTProto.Client;

/// <summary>
/// One request on its way to the server and back: the serialized body (kept until answered so it can be re-sent
/// with a new msg_id after a reconnect, bad_server_salt or bad_msg_notification), the msg_id it was last sent with,
/// and the completion the caller awaits.
/// </summary>
internal abstract class PendingRequest(byte[] body, bool isApiCall)
{
    /// <summary>Re-sending more often than this means the server keeps rejecting it: fail instead of looping.</summary>
    public const int MaxSendAttempts = 8;

    private long _messageId;

    /// <summary>The unwrapped request (without invokeWithLayer/initConnection).</summary>
    public byte[] Body { get; } = body;

    /// <summary>API calls need the connection's initConnection wrapper; service requests (ping, salts) don't.</summary>
    public bool IsApiCall { get; } = isApiCall;

    /// <summary>The msg_id of the last send, 0 before the first.</summary>
    public long MessageId
    {
        get => Interlocked.Read(ref _messageId);
        set => Interlocked.Exchange(ref _messageId, value);
    }

    public int SendAttempts { get; set; }

    /// <summary>The last send wrapped this request in invokeWithLayer(initConnection); a re-send must wrap it again.</summary>
    public bool CarriedInitConnection { get; set; }

    public abstract bool IsCompleted { get; }

    /// <summary>Reads the result of an rpc_result (or the bare answer of a service request) with the request's method.</summary>
    public abstract void Complete(ref TlReader reader);

    /// <summary>Completes with an object that already arrived parsed (pong, future_salts).</summary>
    public abstract bool TryComplete(ITlObject answer);

    public abstract void Fail(Exception exception);

    public abstract void Cancel(CancellationToken cancellationToken);
}

internal sealed class PendingRequest<TResult>(ITlMethod<TResult> method, byte[] body, bool isApiCall) : PendingRequest(body, isApiCall)
{
    private readonly TaskCompletionSource<TResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<TResult> Task => _completion.Task;

    public override bool IsCompleted => _completion.Task.IsCompleted;

    public override void Complete(ref TlReader reader)
    {
        TResult result;
        try
        {
            result = method.ReadResult(ref reader);
        }
        catch (TlDeserializationException ex)
        {
            _completion.TrySetException(ex);
            return;
        }

        _completion.TrySetResult(result);
    }

    public override bool TryComplete(ITlObject answer) => answer is TResult result && _completion.TrySetResult(result);

    public override void Fail(Exception exception) => _completion.TrySetException(exception);

    public override void Cancel(CancellationToken cancellationToken) => _completion.TrySetCanceled(cancellationToken);
}
