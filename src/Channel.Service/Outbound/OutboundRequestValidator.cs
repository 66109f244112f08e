using System.Globalization;
using Channel.Persistence.Outbound;
using Channel.Service.Errors;
using Channel.Service.Runtime;

namespace Channel.Service.Outbound;

/// <summary>The checks that need no Telegram: one peer, a text, known entity types inside the text, a short key.</summary>
internal static class OutboundRequestValidator
{
    /// <summary>Longer texts are refused before Telegram is asked (its own limit, message_length_max, is checked at send time).</summary>
    public const int TextCeiling = 65_536;

    public static List<FieldViolation> Validate(OutboundPeer? peer, string? text, IReadOnlyList<Contracts.MessageEntity> entities, int? replyTo, string idempotencyKey, bool textRequired = true)
    {
        var violations = new List<FieldViolation>();
        ValidatePeer(peer, violations);
        if (textRequired)
        {
            ValidateText(text, entities, violations);
        }

        if (replyTo is < 0)
        {
            violations.Add(new FieldViolation("reply_to_message_id", "must be a message id (or 0: not a reply)."));
        }

        if (idempotencyKey.Length > OutboundMessage.MaxIdempotencyKeyLength)
        {
            violations.Add(new FieldViolation("idempotency_key", $"must be at most {OutboundMessage.MaxIdempotencyKeyLength} characters."));
        }

        return violations;
    }

    /// <summary>A reply's file: an upload id and a known kind (empty: document); a caption, if any, is checked like a text.</summary>
    public static (Guid? UploadId, string? Kind) ValidateMedia(OutboundMedia? media, string? caption, IReadOnlyList<Contracts.MessageEntity> entities, List<FieldViolation> violations)
    {
        if (media is not { } attached)
        {
            return (null, null);
        }

        if (!string.IsNullOrEmpty(caption))
        {
            ValidateText(caption, entities, violations);
        }
        else if (entities.Count > 0)
        {
            violations.Add(new FieldViolation("entities", "need a text (the file's caption) to lie in."));
        }

        var kind = attached.Kind.Length == 0 ? "document" : attached.Kind;
        if (!Media.MediaKinds.Outgoing.ContainsKey(kind))
        {
            violations.Add(new FieldViolation("media.kind", "must be photo, document, voice, video, audio or sticker (empty: document)."));
        }

        if (!Guid.TryParse(attached.UploadId, out var uploadId))
        {
            violations.Add(new FieldViolation("media.upload_id", "must be the upload_id UploadMedia returned."));
            return (null, kind);
        }

        return (uploadId, kind);
    }

    public static void ValidatePeer(OutboundPeer? peer, List<FieldViolation> violations)
    {
        switch (peer)
        {
            case null:
                violations.Add(new FieldViolation("peer", "exactly one of user_id, username, phone, chat_id or channel_id is required."));
                break;
            case { Kind: OutboundPeer.UserId or OutboundPeer.ChatId or OutboundPeer.ChannelId } id when !long.TryParse(id.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value <= 0:
                violations.Add(new FieldViolation("peer." + id.Kind, "must be a positive Telegram id."));
                break;
            case { Kind: OutboundPeer.Username } name when name.Value.TrimStart('@') is var bare && (bare.Length is < 4 or > 32 || !bare.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')):
                violations.Add(new FieldViolation("peer.username", "must be a Telegram username: 4 to 32 letters, digits or underscores."));
                break;
            case { Kind: OutboundPeer.Phone } phone when phone.Value.Count(char.IsAsciiDigit) is < 5 or > 15 || phone.Value.Length > OutboundMessage.MaxPeerLength:
                violations.Add(new FieldViolation("peer.phone", "must be a phone number in international form (5 to 15 digits)."));
                break;
        }
    }

    public static void ValidateText(string? text, IReadOnlyList<Contracts.MessageEntity> entities, List<FieldViolation> violations)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            violations.Add(new FieldViolation("text", "is required (Telegram does not send empty messages)."));
            return;
        }

        if (text.Length > TextCeiling)
        {
            violations.Add(new FieldViolation("text", $"has {text.Length} characters; Telegram allows far fewer (message_length_max). It is never truncated or split."));
            return;
        }

        for (var i = 0; i < entities.Count; i++)
        {
            var entity = entities[i];
            if (MessageEntities.ToTl(entity) is null)
            {
                violations.Add(new FieldViolation($"entities[{i}].type", "is not a known entity type (bold, italic, text_url, pre, …; see the API documentation)."));
            }
            else if (entity.Offset < 0 || entity.Length <= 0 || entity.Offset + entity.Length > text.Length)
            {
                violations.Add(new FieldViolation($"entities[{i}]", "offset and length must lie inside the text (UTF-16 code units)."));
            }
        }
    }
}
