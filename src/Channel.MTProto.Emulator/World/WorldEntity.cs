using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.Emulator.World;

/// <summary>
/// One message entity as the world keeps it (plain properties, so the state file can hold it): Telegram's constructor
/// name without the <c>messageEntity</c> prefix (bold, textUrl, pre, mentionName…), UTF-16 offset and length.
/// </summary>
internal sealed class WorldEntity
{
    public string Kind { get; set; } = string.Empty;

    public int Offset { get; set; }

    public int Length { get; set; }

    public string? Url { get; set; }

    public string? Language { get; set; }

    public long? UserId { get; set; }

    public long? DocumentId { get; set; }

    /// <summary>From a client's request; null for a kind the emulator does not keep (dropped, as Telegram drops unknown ones).</summary>
    public static WorldEntity? From(MessageEntityBase entity) => entity switch
    {
        MessageEntityBold e => Plain("bold", e.Offset, e.Length),
        MessageEntityItalic e => Plain("italic", e.Offset, e.Length),
        MessageEntityUnderline e => Plain("underline", e.Offset, e.Length),
        MessageEntityStrike e => Plain("strike", e.Offset, e.Length),
        MessageEntitySpoiler e => Plain("spoiler", e.Offset, e.Length),
        MessageEntityCode e => Plain("code", e.Offset, e.Length),
        MessageEntityPre e => new WorldEntity { Kind = "pre", Offset = e.Offset, Length = e.Length, Language = e.Language },
        MessageEntityTextUrl e => new WorldEntity { Kind = "textUrl", Offset = e.Offset, Length = e.Length, Url = e.Url },
        MessageEntityUrl e => Plain("url", e.Offset, e.Length),
        MessageEntityEmail e => Plain("email", e.Offset, e.Length),
        MessageEntityPhone e => Plain("phone", e.Offset, e.Length),
        MessageEntityMention e => Plain("mention", e.Offset, e.Length),
        InputMessageEntityMentionName e => new WorldEntity { Kind = "mentionName", Offset = e.Offset, Length = e.Length, UserId = (e.UserId as InputUser)?.UserId },
        MessageEntityMentionName e => new WorldEntity { Kind = "mentionName", Offset = e.Offset, Length = e.Length, UserId = e.UserId },
        MessageEntityHashtag e => Plain("hashtag", e.Offset, e.Length),
        MessageEntityCashtag e => Plain("cashtag", e.Offset, e.Length),
        MessageEntityBotCommand e => Plain("botCommand", e.Offset, e.Length),
        MessageEntityBankCard e => Plain("bankCard", e.Offset, e.Length),
        MessageEntityBlockquote e => Plain("blockquote", e.Offset, e.Length),
        MessageEntityCustomEmoji e => new WorldEntity { Kind = "customEmoji", Offset = e.Offset, Length = e.Length, DocumentId = e.DocumentId },
        _ => null,
    };

    /// <summary>As a TL entity for the recipients.</summary>
    public MessageEntityBase ToTl() => Kind switch
    {
        "bold" => new MessageEntityBold { Offset = Offset, Length = Length },
        "italic" => new MessageEntityItalic { Offset = Offset, Length = Length },
        "underline" => new MessageEntityUnderline { Offset = Offset, Length = Length },
        "strike" => new MessageEntityStrike { Offset = Offset, Length = Length },
        "spoiler" => new MessageEntitySpoiler { Offset = Offset, Length = Length },
        "code" => new MessageEntityCode { Offset = Offset, Length = Length },
        "pre" => new MessageEntityPre { Offset = Offset, Length = Length, Language = Language ?? string.Empty },
        "textUrl" => new MessageEntityTextUrl { Offset = Offset, Length = Length, Url = Url ?? string.Empty },
        "url" => new MessageEntityUrl { Offset = Offset, Length = Length },
        "email" => new MessageEntityEmail { Offset = Offset, Length = Length },
        "phone" => new MessageEntityPhone { Offset = Offset, Length = Length },
        "mention" => new MessageEntityMention { Offset = Offset, Length = Length },
        "mentionName" => new MessageEntityMentionName { Offset = Offset, Length = Length, UserId = UserId ?? 0 },
        "hashtag" => new MessageEntityHashtag { Offset = Offset, Length = Length },
        "cashtag" => new MessageEntityCashtag { Offset = Offset, Length = Length },
        "botCommand" => new MessageEntityBotCommand { Offset = Offset, Length = Length },
        "bankCard" => new MessageEntityBankCard { Offset = Offset, Length = Length },
        "blockquote" => new MessageEntityBlockquote { Offset = Offset, Length = Length },
        "customEmoji" => new MessageEntityCustomEmoji { Offset = Offset, Length = Length, DocumentId = DocumentId ?? 0 },
        _ => new MessageEntityUnknown { Offset = Offset, Length = Length },
    };

    private static WorldEntity Plain(string kind, int offset, int length) => new() { Kind = kind, Offset = offset, Length = length };
}
