using System.Globalization;
using Channel.Contracts;
using Channel.Domain.Accounts;
using Channel.Persistence.Outbound;
using Channel.Service.Errors;
using MassTransit;

namespace Channel.Service.Outbound;

/// <summary>
/// Consumes <see cref="SendTelegramMessage"/> (exchange <c>Channel.Contracts:SendTelegramMessage</c>; envelope or raw
/// JSON): records it (Pending, in consumption order; a redelivery finds its first row) and hands it to the account's
/// ordered queue. The broker's ack follows the commit, so a crash before it means a redelivery, never a loss. A
/// command that cannot be recorded (malformed, unknown account) is answered with OutboundMessageFailed.
/// </summary>
internal sealed class SendTelegramMessageConsumer(SendMessageUseCase sendMessage, OutboundSendQueue queue) : IConsumer<SendTelegramMessage>
{
    public async Task Consume(ConsumeContext<SendTelegramMessage> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var command = context.Message;
        var request = new SendMessageRequest(
            new TelegramAccountId(command.AccountId), PeerOf(command), command.Text, command.Entities ?? [], command.ReplyToMessageId,
            command.IdempotencyKey ?? string.Empty, OutboundOrigin.Bus, context.MessageId,
            command.Media is { } media ? new OutboundMedia(media.UploadId.ToString(), media.Kind ?? string.Empty) : null);
        string? rejection = null;
        if (command.AccountId == Guid.Empty || string.IsNullOrEmpty(command.IdempotencyKey))
        {
            rejection = OutboundReasons.InvalidCommand;
        }
        else
        {
            try
            {
                var row = await sendMessage.AcceptAsync(request, context.CancellationToken);
                queue.Signal(row.AccountId);
                return;
            }
            catch (RequestValidationException)
            {
                rejection = OutboundReasons.InvalidCommand;
            }
            catch (AccountNotFoundException)
            {
                rejection = OutboundReasons.AccountNotFound;
            }
        }

        await sendMessage.RecordRejectedCommandAsync(command, context.MessageId, rejection, context.CancellationToken);
    }

    private static OutboundPeer? PeerOf(SendTelegramMessage command)
    {
        var named = (command.PeerUserId is null ? 0 : 1) + (command.PeerUsername is null ? 0 : 1) + (command.PeerPhone is null ? 0 : 1) + (command.PeerChatId is null ? 0 : 1)
            + (command.PeerChannelId is null ? 0 : 1);
        if (named != 1)
        {
            return null;
        }

        return command switch
        {
            { PeerUserId: { } user } => new OutboundPeer(OutboundPeer.UserId, user.ToString(CultureInfo.InvariantCulture)),
            { PeerUsername: { } username } => new OutboundPeer(OutboundPeer.Username, username),
            { PeerPhone: { } phone } => new OutboundPeer(OutboundPeer.Phone, phone),
            { PeerChannelId: { } channel } => new OutboundPeer(OutboundPeer.ChannelId, channel.ToString(CultureInfo.InvariantCulture)),
            _ => new OutboundPeer(OutboundPeer.ChatId, command.PeerChatId!.Value.ToString(CultureInfo.InvariantCulture)),
        };
    }
}
