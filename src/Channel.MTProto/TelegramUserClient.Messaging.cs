using Channel.MTProto.Client;
using Channel.MTProto.Messaging;
using Channel.MTProto.Peers;
using Channel.MTProto.Tl;
using Channel.MTProto.Tl.Api;
using TlMessage = Channel.MTProto.Tl.Api.Message;

namespace Channel.MTProto;

/// <summary>Messaging: send text (idempotent through the caller's random_id), mark read; help.getConfig limits cached.</summary>
internal sealed partial class TelegramUserClient
{
    private readonly Lock _configLock = new();
    private Task<Config>? _config;

    /// <summary>messages.sendMessage.</summary>
    /// <param name="peer">A user, basic group or channel whose access hash is cached.</param>
    /// <param name="text">The text (at most message_length_max UTF-16 code units).</param>
    /// <param name="randomId">
    /// Chosen by the caller and kept with the outgoing message, so a retry after a crash or timeout reuses it and
    /// Telegram stores the message once.
    /// </param>
    /// <param name="replyToMessageId">The message in the same chat this one answers.</param>
    /// <param name="cancellationToken">Cancels the call (the message may still have been sent: retry with the same random id).</param>
    /// <param name="entities">The text's formatting (offsets in UTF-16 code units); null or empty: plain text.</param>
    /// <exception cref="MessageTooLongException">The text exceeds message_length_max (checked before sending).</exception>
    /// <exception cref="PeerNotCachedException">The peer's access hash is unknown.</exception>
    /// <exception cref="FloodWaitException">FLOOD_WAIT_X or SLOWMODE_WAIT_X not slept through by the policy.</exception>
    public async Task<SentMessage> SendTextAsync(PeerId peer, string text, long randomId, int? replyToMessageId = null, CancellationToken cancellationToken = default, IReadOnlyList<MessageEntityBase>? entities = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var inputPeer = GetInputPeer(peer);
        var maxLength = (await GetConfigAsync(cancellationToken).ConfigureAwait(false)).MessageLengthMax;
        ThrowIfTooLong(text, maxLength);
        var request = new Messages.SendMessage
        {
            Peer = inputPeer,
            Message = text,
            RandomId = randomId,
            ReplyTo = ToInputReplyTo(replyToMessageId),
            Entities = NullIfEmpty(entities),
        };

        return await SendAsync(peer, randomId, request, text, maxLength, "MESSAGE_TOO_LONG", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>messages.editMessage: replaces the text (and entities) of one of our messages.</summary>
    /// <exception cref="MessageTooLongException">The text exceeds message_length_max.</exception>
    public async Task EditTextAsync(PeerId peer, int messageId, string text, IReadOnlyList<MessageEntityBase>? entities, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var inputPeer = GetInputPeer(peer);
        ThrowIfTooLong(text, (await GetConfigAsync(cancellationToken).ConfigureAwait(false)).MessageLengthMax);
        var result = await InvokeAsync(
            new Messages.EditMessage { Peer = inputPeer, Id = messageId, Message = text, Entities = NullIfEmpty(entities) },
            cancellationToken).ConfigureAwait(false);
        OnRpcUpdates(result);
    }

    /// <summary>Deletes messages for everyone (messages.deleteMessages with revoke; channels.deleteMessages in a channel).</summary>
    public async Task DeleteMessagesAsync(PeerId peer, IReadOnlyList<int> messageIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        if (peer.Kind == PeerKind.Channel)
        {
            var channelAffected = await InvokeAsync(new Channels.DeleteMessages { Channel = _peers.GetInputChannel(peer.Id), Id = messageIds }, cancellationToken).ConfigureAwait(false);
            if (channelAffected is Messages.AffectedMessages a)
            {
                Volatile.Read(ref _updates)?.ObserveAffected(a.Pts, a.PtsCount, peer.Id);
            }

            return;
        }

        var affected = await InvokeAsync(new Messages.DeleteMessages { Revoke = true, Id = messageIds }, cancellationToken).ConfigureAwait(false);
        OnRpcAffectedMessages(affected);
    }

    /// <summary>messages.setTyping with sendMessageTypingAction (Telegram shows it for about 6 seconds).</summary>
    public async Task SetTypingAsync(PeerId peer, CancellationToken cancellationToken = default) =>
        await InvokeAsync(new Messages.SetTyping { Peer = GetInputPeer(peer), Action = new SendMessageTypingAction() }, cancellationToken).ConfigureAwait(false);

    /// <summary>message_length_max of help.getConfig.</summary>
    public async Task<int> GetMessageLengthMaxAsync(CancellationToken cancellationToken = default) =>
        (await GetConfigAsync(cancellationToken).ConfigureAwait(false)).MessageLengthMax;

    /// <summary>Marks everything up to <paramref name="maxId"/> in <paramref name="peer"/> as read (messages.readHistory / channels.readHistory).</summary>
    public async Task MarkReadAsync(PeerId peer, int maxId, CancellationToken cancellationToken = default)
    {
        if (peer.Kind == PeerKind.Channel)
        {
            await InvokeAsync(new Channels.ReadHistory { Channel = _peers.GetInputChannel(peer.Id), MaxId = maxId }, cancellationToken).ConfigureAwait(false);
            return;
        }

        var affected = await InvokeAsync(new Messages.ReadHistory { Peer = GetInputPeer(peer), MaxId = maxId }, cancellationToken).ConfigureAwait(false);
        OnRpcAffectedMessages(affected);
    }

    /// <summary>
    /// messages.sendMessage or messages.sendMedia, whose <paramref name="text"/> (message or caption) was checked against
    /// <paramref name="maxLength"/>: Telegram's own refusal (<paramref name="tooLongError"/>, its limit may be lower than the
    /// config said) becomes the same <see cref="MessageTooLongException"/>; the updates returned keep the engine in step
    /// and carry the sent message.
    /// </summary>
    private async Task<SentMessage> SendAsync(PeerId peer, long randomId, ITlMethod<UpdatesBase> request, string text, int maxLength, string tooLongError, CancellationToken cancellationToken)
    {
        UpdatesBase result;
        try
        {
            result = await InvokeAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (TelegramRpcException ex) when (ex.ErrorName == tooLongError)
        {
            throw new MessageTooLongException(text.Length, maxLength, ex);
        }

        OnRpcUpdates(result);
        return FindSentMessage(peer, randomId, result);
    }

    /// <summary>Checked before sending: Telegram would refuse it anyway, after a round trip.</summary>
    private static void ThrowIfTooLong(string text, int maxLength)
    {
        if (text.Length > maxLength)
        {
            throw new MessageTooLongException(text.Length, maxLength);
        }
    }

    private static InputReplyToMessage? ToInputReplyTo(int? replyToMessageId) =>
        replyToMessageId is { } replyTo ? new InputReplyToMessage { ReplyToMsgId = replyTo } : null;

    /// <summary>Telegram reads an absent entities vector as plain text; an empty one is sent as absent.</summary>
    private static IReadOnlyList<MessageEntityBase>? NullIfEmpty(IReadOnlyList<MessageEntityBase>? entities) =>
        entities is { Count: > 0 } ? entities : null;

    /// <summary>help.getConfig, fetched once per client (a failed fetch is retried on the next call).</summary>
    internal Task<Config> GetConfigAsync(CancellationToken cancellationToken)
    {
        lock (_configLock)
        {
            if (_config is null || _config.IsFaulted || _config.IsCanceled)
            {
                _config = FetchConfigAsync(cancellationToken);
            }

            return _config;
        }
    }

    private async Task<Config> FetchConfigAsync(CancellationToken cancellationToken)
    {
        var config = await InvokeAsync(new Help.GetConfig(), cancellationToken).ConfigureAwait(false) as Config
            ?? throw new InvalidOperationException("help.getConfig returned no config.");

        // The same dc_options the connections would fetch for an unknown DC: no second round trip later.
        _client.Addresses.Merge(config.DcOptions);
        return config;
    }

    /// <summary>
    /// The id and date of the message just sent: updateShortSentMessage carries them; an updates box pairs our random_id
    /// with the id (updateMessageID) and carries the message itself (updateNewMessage / updateNewChannelMessage).
    /// </summary>
    private static SentMessage FindSentMessage(PeerId peer, long randomId, UpdatesBase result)
    {
        if (result is UpdateShortSentMessage shortSent)
        {
            return new SentMessage(new MessageKey(peer, shortSent.Id), DateTimeOffset.FromUnixTimeSeconds(shortSent.Date));
        }

        var (updates, date) = result switch
        {
            UpdatesConstructor box => (box.Updates, box.Date),
            UpdatesCombined combined => (combined.Updates, combined.Date),
            UpdateShort single => ([single.Update], single.Date),
            _ => ((IReadOnlyList<UpdateBase>)[], 0),
        };
        int? id = updates.OfType<UpdateMessageID>().FirstOrDefault(u => u.RandomId == randomId)?.Id;
        var message = updates
            .Select(update => update switch
            {
                UpdateNewMessage { Message: TlMessage m } => m,
                UpdateNewChannelMessage { Message: TlMessage m } => m,
                _ => null,
            })
            .FirstOrDefault(m => m is not null && (id is null ? m.Out : m.Id == id));
        var messageId = id ?? message?.Id ?? throw new InvalidOperationException($"Telegram's answer to sendMessage ({result.GetType().Name}) names no message.");
        return new SentMessage(new MessageKey(peer, messageId), DateTimeOffset.FromUnixTimeSeconds(message?.Date ?? date));
    }
}
