using Tl = Channel.MTProto.Tl.Api;

namespace Channel.Service.Runtime;

/// <summary>
/// Telegram's message entities in the contracts' one documented format: a snake_case type as Telegram's Bot API names
/// it (bold, text_url, pre…), UTF-16 offset and length, and the url, language or user id where the type has one.
/// </summary>
internal static class MessageEntities
{
    public static Contracts.MessageEntity? ToContract(Tl.MessageEntityBase entity) => entity switch
    {
        Tl.MessageEntityMention e => Plain("mention", e.Offset, e.Length),
        Tl.MessageEntityHashtag e => Plain("hashtag", e.Offset, e.Length),
        Tl.MessageEntityBotCommand e => Plain("bot_command", e.Offset, e.Length),
        Tl.MessageEntityUrl e => Plain("url", e.Offset, e.Length),
        Tl.MessageEntityEmail e => Plain("email", e.Offset, e.Length),
        Tl.MessageEntityBold e => Plain("bold", e.Offset, e.Length),
        Tl.MessageEntityItalic e => Plain("italic", e.Offset, e.Length),
        Tl.MessageEntityCode e => Plain("code", e.Offset, e.Length),
        Tl.MessageEntityPre e => new() { Type = "pre", Offset = e.Offset, Length = e.Length, Language = string.IsNullOrEmpty(e.Language) ? null : e.Language },
        Tl.MessageEntityTextUrl e => new() { Type = "text_url", Offset = e.Offset, Length = e.Length, Url = e.Url },
        Tl.MessageEntityMentionName e => new() { Type = "text_mention", Offset = e.Offset, Length = e.Length, UserId = e.UserId },
        Tl.MessageEntityPhone e => Plain("phone_number", e.Offset, e.Length),
        Tl.MessageEntityCashtag e => Plain("cashtag", e.Offset, e.Length),
        Tl.MessageEntityUnderline e => Plain("underline", e.Offset, e.Length),
        Tl.MessageEntityStrike e => Plain("strikethrough", e.Offset, e.Length),
        Tl.MessageEntityBankCard e => Plain("bank_card", e.Offset, e.Length),
        Tl.MessageEntitySpoiler e => Plain("spoiler", e.Offset, e.Length),
        Tl.MessageEntityCustomEmoji e => Plain("custom_emoji", e.Offset, e.Length),
        Tl.MessageEntityBlockquote e => Plain("blockquote", e.Offset, e.Length),

        // messageEntityUnknown and anything newer than our layer: the text is still delivered, unformatted.
        _ => null,
    };

    /// <summary>The other way, for outgoing texts; null for a type Telegram has no input form of here.</summary>
    public static Tl.MessageEntityBase? ToTl(Contracts.MessageEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var (offset, length) = (entity.Offset, entity.Length);
        return entity.Type switch
        {
            "mention" => new Tl.MessageEntityMention { Offset = offset, Length = length },
            "hashtag" => new Tl.MessageEntityHashtag { Offset = offset, Length = length },
            "bot_command" => new Tl.MessageEntityBotCommand { Offset = offset, Length = length },
            "url" => new Tl.MessageEntityUrl { Offset = offset, Length = length },
            "email" => new Tl.MessageEntityEmail { Offset = offset, Length = length },
            "bold" => new Tl.MessageEntityBold { Offset = offset, Length = length },
            "italic" => new Tl.MessageEntityItalic { Offset = offset, Length = length },
            "code" => new Tl.MessageEntityCode { Offset = offset, Length = length },
            "pre" => new Tl.MessageEntityPre { Offset = offset, Length = length, Language = entity.Language ?? string.Empty },
            "text_url" when !string.IsNullOrWhiteSpace(entity.Url) => new Tl.MessageEntityTextUrl { Offset = offset, Length = length, Url = entity.Url },
            "text_mention" when entity.UserId is { } userId => new Tl.MessageEntityMentionName { Offset = offset, Length = length, UserId = userId },
            "phone_number" => new Tl.MessageEntityPhone { Offset = offset, Length = length },
            "cashtag" => new Tl.MessageEntityCashtag { Offset = offset, Length = length },
            "underline" => new Tl.MessageEntityUnderline { Offset = offset, Length = length },
            "strikethrough" => new Tl.MessageEntityStrike { Offset = offset, Length = length },
            "bank_card" => new Tl.MessageEntityBankCard { Offset = offset, Length = length },
            "spoiler" => new Tl.MessageEntitySpoiler { Offset = offset, Length = length },
            "blockquote" => new Tl.MessageEntityBlockquote { Offset = offset, Length = length },
            _ => null,
        };
    }

    private static Contracts.MessageEntity Plain(string type, int offset, int length) => new() { Type = type, Offset = offset, Length = length };
}
