using System.Text.Json;
using Channel.Contracts;
using Channel.Domain.Accounts;
using Channel.MTProto.Client;
using Channel.MTProto.Media;
using Channel.MTProto.Messaging;
using Channel.MTProto.Peers;
using Channel.Persistence;
using Channel.Persistence.Outbound;
using Channel.Persistence.Outbox;
using Channel.Service.Auth;
using Channel.Service.Errors;
using Channel.Service.Observability;
using Channel.Service.Runtime;
using Channel.Service.Telegram;
using Microsoft.EntityFrameworkCore;

namespace Channel.Service.Outbound;

/// <summary>
/// The one use case behind gRPC SendMessage and the bus command SendTelegramMessage. <see cref="AcceptAsync"/>
/// validates the request and records it as Pending with its random_id (derived from account and idempotency key)
/// BEFORE anything goes to Telegram; a repeat of the key finds that row. <see cref="DeliverAsync"/> sends a Pending
/// row on the account's live connection inside the account's lane (one send at a time, paced, held back while a flood
/// wait lasts) and records the outcome with its OutboundMessageSent / OutboundMessageFailed event in one commit. A
/// crash between Telegram's answer and that commit leaves the row Pending: the next attempt sends the same random_id,
/// which Telegram stores once.
/// </summary>
internal sealed partial class SendMessageUseCase(
    IServiceScopeFactory scopes, IAccountRuntime runtime, AccountSendLanes lanes, OutboxWriter outbox, ChannelMetrics metrics, TimeProvider time, ILogger<SendMessageUseCase> logger)
{
    /// <summary>gRPC: accept, deliver, and answer with the outcome (or the exception the interceptor maps).</summary>
    /// <param name="request">The reply.</param>
    /// <param name="tenants">The gRPC caller's tenants: another tenant's account is NOT_FOUND, before any lookup by key.</param>
    /// <param name="cancellationToken">Cancels the wait (a reply already sent stays sent; repeat the key to learn it).</param>
    public async Task<OutboundMessage> SendAsync(SendMessageRequest request, ITenantGuard tenants, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(tenants);
        await tenants.EnsureVisibleAsync(request.AccountId, cancellationToken);
        var row = await AcceptAsync(request, cancellationToken);
        var outcome = await DeliverAsync(row.AccountId, row.Id, cancellationToken);
        return outcome.Kind switch
        {
            OutboundOutcomeKind.Sent => outcome.Row,
            OutboundOutcomeKind.FloodWait => throw new OutboundException(
                OutboundFailureKind.FloodWait, OutboundReasons.FloodWait, "Telegram asks the account to wait before it sends again; nothing was sent. See RetryInfo.", outcome.RetryAfter),
            OutboundOutcomeKind.Transient => throw new OutboundException(
                outcome.Reason == OutboundReasons.AccountNotConnected ? OutboundFailureKind.FailedPrecondition : OutboundFailureKind.Unavailable,
                outcome.Reason ?? TelegramFailures.Unreachable,
                outcome.Reason == OutboundReasons.AccountNotConnected
                    ? "The account is not connected on this replica right now; try again shortly with the same idempotency_key."
                    : "Telegram did not answer; try again with the same idempotency_key (it is sent at most once)."),
            _ => throw FailureOf(outcome.Reason ?? "UNKNOWN"),
        };
    }

    /// <summary>Validates and records the request (Pending), or finds the row an earlier request with the same key made.</summary>
    /// <exception cref="RequestValidationException">A malformed request (nothing recorded).</exception>
    /// <exception cref="AccountNotFoundException">No such account.</exception>
    public async Task<OutboundMessage> AcceptAsync(SendMessageRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var violations = OutboundRequestValidator.Validate(request.Peer, request.Text, request.Entities, request.ReplyToMessageId, request.IdempotencyKey, textRequired: request.Media is null);
        var (uploadId, mediaKind) = OutboundRequestValidator.ValidateMedia(request.Media, request.Text, request.Entities, violations);
        RequestValidationException.ThrowIfAny(violations);
        var key = request.IdempotencyKey.Length == 0 ? Guid.NewGuid().ToString("N") : request.IdempotencyKey;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
        if (await Find(db, request.AccountId, key, cancellationToken) is { } existing)
        {
            return existing;
        }

        if (!await db.Accounts.AnyAsync(a => a.Id == request.AccountId, cancellationToken))
        {
            throw new AccountNotFoundException(request.AccountId);
        }

        if (uploadId is { } upload && !await db.MediaUploads.AnyAsync(u => u.Id == upload && u.AccountId == request.AccountId, cancellationToken))
        {
            throw new RequestValidationException([new FieldViolation("media.upload_id", "names no upload of this account (uploads are kept for Media:UploadRetention).")]);
        }

        var now = time.GetUtcNow();
        var row = new OutboundMessage
        {
            AccountId = request.AccountId,
            IdempotencyKey = key,
            RandomId = OutboundIdentities.RandomId(request.AccountId, key),
            Origin = request.Origin,
            State = OutboundMessageState.Pending,
            PeerKind = request.Peer!.Value.Kind,
            PeerValue = request.Peer.Value.Value,
            Text = request.Text ?? string.Empty,
            Entities = request.Entities.Count == 0 ? null : JsonSerializer.Serialize(request.Entities, OutboxMessageTypes.JsonOptions),
            TextHash = OutboundIdentities.TextHash(request.Text ?? string.Empty),
            ReplyToMessageId = request.ReplyToMessageId is > 0 ? request.ReplyToMessageId : null,
            MediaUploadId = uploadId,
            MediaKind = mediaKind,
            CommandId = request.CommandId,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.OutboundMessages.Add(row);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return row;
        }
        catch (DbUpdateException exception) when (db.IsUniqueConstraintViolation(exception))
        {
            // The same key at the same moment on another call or replica: that row is the one.
            db.ChangeTracker.Clear();
            return await Find(db, request.AccountId, key, cancellationToken) ?? throw new InvalidOperationException("The outbound row vanished after a key conflict.");
        }
    }

    /// <summary>Sends the Pending row <paramref name="rowId"/> (or returns its known outcome).</summary>
    public async Task<OutboundOutcome> DeliverAsync(TelegramAccountId accountId, long rowId, CancellationToken cancellationToken)
    {
        var outcome = await AttemptAsync(accountId, rowId, cancellationToken);
        if (!outcome.AlreadySettled)
        {
            metrics.OutboundSent(outcome.Result.Kind.ToString().ToLowerInvariant());
        }

        return outcome.Result;
    }

    /// <summary>One attempt; AlreadySettled when an earlier attempt decided the outcome (so the metric counts it once).</summary>
    private async Task<(OutboundOutcome Result, bool AlreadySettled)> AttemptAsync(TelegramAccountId accountId, long rowId, CancellationToken cancellationToken)
    {
        using var lane = await lanes.EnterAsync(accountId, cancellationToken);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
        var row = await db.OutboundMessages.SingleOrDefaultAsync(m => m.Id == rowId, cancellationToken);
        if (row is null)
        {
            // Only the account's deletion (cascade) removes a row another caller may still hold an id of.
            throw new AccountNotFoundException(accountId);
        }

        if (row.State != OutboundMessageState.Pending)
        {
            return (OutboundOutcome.Done(row), true);
        }

        var account = await db.Accounts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == accountId, cancellationToken);
        if (account is null || account.Status != AccountStatus.Active)
        {
            return (await RejectAsync(db, row, account, OutboundReasons.AccountNotActive, cancellationToken), false);
        }

        if (runtime.GetConnection(accountId) is not { } connection)
        {
            return (new OutboundOutcome(OutboundOutcomeKind.Transient, row, OutboundReasons.AccountNotConnected), false);
        }

        if (lanes.FloodRemaining(accountId) is { } remaining && remaining > TimeSpan.Zero)
        {
            return (new OutboundOutcome(OutboundOutcomeKind.FloodWait, row, OutboundReasons.FloodWait, remaining), false);
        }

        try
        {
            PeerId peer;
            if (row.ChatKind is { } chatKind && row.ChatId is { } chatId)
            {
                peer = PeerResolver.FromChat(chatKind, chatId);
            }
            else
            {
                peer = await PeerResolver.ResolveAsync(connection, new OutboundPeer(row.PeerKind, row.PeerValue), cancellationToken);

                // Stored before the send: a replay of this message by Telegram (getDifference after a crash) is recognised by chat and text.
                row.ChatKind = PeerResolver.ChatKindOf(peer, connection.FindPeer(peer)?.IsBroadcast == true);
                row.ChatId = peer.Id;
                row.UpdatedAt = time.GetUtcNow();
                await db.SaveChangesAsync(cancellationToken);
            }

            var entities = row.Entities is null
                ? []
                : JsonSerializer.Deserialize<List<MessageEntity>>(row.Entities, OutboxMessageTypes.JsonOptions)!.Select(MessageEntities.ToTl).OfType<MTProto.Tl.Api.MessageEntityBase>().ToList();
            if (row.MediaUploadId is { } uploadId)
            {
                // The caption's limit is Telegram's to check (MEDIA_CAPTION_TOO_LONG fails the row like any refusal).
                var upload = await db.MediaUploads.AsNoTracking().SingleOrDefaultAsync(u => u.Id == uploadId, cancellationToken);
                if (upload is null)
                {
                    return (await RejectAsync(db, row, account, OutboundReasons.MediaUploadExpired, cancellationToken), false);
                }

                var file = await connection.UploadAsync(new MemoryStream(upload.Content, writable: false), upload.Size, upload.FileName, cancellationToken);
                var media = new OutgoingMedia(file, Media.MediaKinds.Outgoing[row.MediaKind ?? "document"], upload.MimeType, upload.FileName);
                var sentMedia = await connection.SendMediaAsync(peer, media, row.Text, entities, row.RandomId, row.ReplyToMessageId, cancellationToken);
                return (await RecordSentAsync(db, row, account, sentMedia, cancellationToken), false);
            }

            var maxLength = await connection.GetMessageLengthMaxAsync(cancellationToken);
            if (row.Text.Length > maxLength)
            {
                return (await RejectAsync(db, row, account, OutboundReasons.MessageTooLong, cancellationToken), false);
            }

            var sent = await connection.SendTextAsync(peer, row.Text, entities, row.RandomId, row.ReplyToMessageId, cancellationToken);
            return (await RecordSentAsync(db, row, account, sent, cancellationToken), false);
        }
        catch (OutboundException exception) when (exception.Reason == OutboundReasons.PeerNotFound)
        {
            return (await RejectAsync(db, row, account, OutboundReasons.PeerNotFound, cancellationToken), false);
        }
        catch (PeerNotCachedException)
        {
            return (await RejectAsync(db, row, account, OutboundReasons.PeerNotFound, cancellationToken), false);
        }
        catch (MessageTooLongException)
        {
            return (await RejectAsync(db, row, account, OutboundReasons.MessageTooLong, cancellationToken), false);
        }
        catch (FloodWaitException flood)
        {
            lanes.FloodWait(accountId, flood.Wait);
            LogFloodWait(logger, accountId, flood.Wait.TotalSeconds);
            return (new OutboundOutcome(OutboundOutcomeKind.FloodWait, row, flood.ErrorName, flood.Wait), false);
        }
        catch (TelegramRpcException rpc) when (rpc.Code is >= 400 and < 500)
        {
            // PEER_FLOOD, USER_IS_BLOCKED, CHAT_WRITE_FORBIDDEN, REPLY_MESSAGE_ID_INVALID…: Telegram refused it; a repeat would be refused too.
            return (await FailAsync(db, row, account, rpc.ErrorName, cancellationToken), false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Unreachable, a timeout, a 5xx, the connection going away: maybe sent, maybe not; the row stays Pending.
            var reason = TelegramFailures.IsTelegramFailure(exception) || TelegramFailures.IsUnreachable(exception) ? TelegramFailures.ReasonOf(exception) : TelegramFailures.Unreachable;
            LogTransient(logger, exception, accountId, reason);
            return (new OutboundOutcome(OutboundOutcomeKind.Transient, row, reason), false);
        }
    }

    /// <summary>A bus command that could not even be recorded (malformed, unknown account): only the failure event.</summary>
    public async Task RecordRejectedCommandAsync(SendTelegramMessage command, Guid? commandId, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var account = new TelegramAccountId(command.AccountId);
        var key = string.IsNullOrEmpty(command.IdempotencyKey) ? commandId?.ToString() ?? Guid.NewGuid().ToString() : command.IdempotencyKey;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelDbContext>();
        var helpdesk = await db.Accounts.AsNoTracking().Where(a => a.Id == account).Select(a => (long?)a.HelpdeskAccountId.Value).SingleOrDefaultAsync(cancellationToken);
        var eventId = OutboundIdentities.FailedEventId(account, key);
        outbox.Add(db, eventId, helpdesk is null ? null : account, new OutboundMessageFailed
        {
            EventId = eventId,
            AccountId = command.AccountId,
            HelpdeskAccountId = helpdesk,
            IdempotencyKey = key,
            CommandId = commandId,
            Reason = reason,
            Retryable = false,
            FailedAt = time.GetUtcNow(),
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (db.IsUniqueConstraintViolation(exception))
        {
            // A redelivery of a command already reported.
        }
    }

    /// <summary>The error a gRPC caller gets for a Failed row (the first result again, for a repeat).</summary>
    public static OutboundException FailureOf(string reason) => reason switch
    {
        OutboundReasons.PeerNotFound => new OutboundException(OutboundFailureKind.NotFound, reason, "The peer cannot be found by this account."),
        OutboundReasons.MessageTooLong => new OutboundException(OutboundFailureKind.TextTooLong, reason, "The text is longer than Telegram's message_length_max; it is never truncated or split."),
        OutboundReasons.AccountNotActive => new OutboundException(OutboundFailureKind.FailedPrecondition, reason, "The account is not ACTIVE: log it in first."),
        OutboundReasons.MediaUploadExpired => new OutboundException(OutboundFailureKind.NotFound, reason, "The upload is gone (kept for Media:UploadRetention): upload the file again."),
        _ => new OutboundException(OutboundFailureKind.FailedPrecondition, reason, "Telegram refused the message; see the ErrorInfo reason."),
    };

    private static Task<OutboundMessage?> Find(ChannelDbContext db, TelegramAccountId account, string key, CancellationToken cancellationToken) =>
        db.OutboundMessages.SingleOrDefaultAsync(m => m.AccountId == account && m.IdempotencyKey == key, cancellationToken);

    private async Task<OutboundOutcome> RecordSentAsync(ChannelDbContext db, OutboundMessage row, TelegramAccount account, SentMessage sent, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        row.State = OutboundMessageState.Sent;
        row.TelegramMessageId = sent.MessageId;
        row.SentAt = sent.Date;
        row.Text = string.Empty;
        row.Entities = null;
        row.UpdatedAt = now;
        var eventId = OutboundIdentities.SentEventId(row.AccountId, row.IdempotencyKey);
        outbox.Add(db, eventId, row.AccountId, new OutboundMessageSent
        {
            EventId = eventId,
            AccountId = row.AccountId.Value,
            HelpdeskAccountId = account.HelpdeskAccountId.Value,
            IdempotencyKey = row.IdempotencyKey,
            CommandId = row.CommandId,
            Chat = new ChatRef { Kind = row.ChatKind!, Id = row.ChatId!.Value },
            TelegramMessageId = sent.MessageId,
            SentAt = sent.Date,
        });

        // Not the caller's token: Telegram has the message now, and the record of it must not be given up half-way.
        await db.SaveChangesAsync(CancellationToken.None);
        return new OutboundOutcome(OutboundOutcomeKind.Sent, row);
    }

    /// <summary>Nothing was sent and the request itself is at fault: a gRPC row is forgotten (a corrected retry works), a bus row fails.</summary>
    private async Task<OutboundOutcome> RejectAsync(ChannelDbContext db, OutboundMessage row, TelegramAccount? account, string reason, CancellationToken cancellationToken)
    {
        if (row.Origin == OutboundOrigin.Grpc)
        {
            db.OutboundMessages.Remove(row);
            await db.SaveChangesAsync(cancellationToken);
            return new OutboundOutcome(OutboundOutcomeKind.Rejected, row, reason);
        }

        return await FailAsync(db, row, account, reason, cancellationToken);
    }

    private async Task<OutboundOutcome> FailAsync(ChannelDbContext db, OutboundMessage row, TelegramAccount? account, string reason, CancellationToken cancellationToken)
    {
        row.State = OutboundMessageState.Failed;
        row.FailureReason = reason.Length <= OutboundMessage.MaxReasonLength ? reason : reason[..OutboundMessage.MaxReasonLength];
        row.Retryable = false;
        row.Text = string.Empty;
        row.Entities = null;
        row.UpdatedAt = time.GetUtcNow();
        if (row.Origin == OutboundOrigin.Bus)
        {
            var eventId = OutboundIdentities.FailedEventId(row.AccountId, row.IdempotencyKey);
            outbox.Add(db, eventId, row.AccountId, new OutboundMessageFailed
            {
                EventId = eventId,
                AccountId = row.AccountId.Value,
                HelpdeskAccountId = account?.HelpdeskAccountId.Value,
                IdempotencyKey = row.IdempotencyKey,
                CommandId = row.CommandId,
                Reason = row.FailureReason,
                Retryable = false,
                FailedAt = row.UpdatedAt,
            });
        }

        await db.SaveChangesAsync(cancellationToken);
        LogFailed(logger, row.AccountId, row.FailureReason);
        return new OutboundOutcome(OutboundOutcomeKind.Failed, row, row.FailureReason);
    }

    [LoggerMessage(EventId = 5100, Level = LogLevel.Warning, Message = "Account {AccountId}: Telegram asks to wait {Seconds} s before the next send; the account's sends hold back.")]
    private static partial void LogFloodWait(ILogger logger, TelegramAccountId accountId, double seconds);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Account {AccountId}: a reply was refused ({Reason}).")]
    private static partial void LogFailed(ILogger logger, TelegramAccountId accountId, string reason);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "Account {AccountId}: a reply could not be sent now ({Reason}); it stays pending and is tried again.")]
    private static partial void LogTransient(ILogger logger, Exception exception, TelegramAccountId accountId, string reason);
}
