using System.Globalization;
using Channel.MTProto.Emulator.Rpc;
using Channel.MTProto.Emulator.Sessions;
using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.Emulator.World;

/// <summary>
/// Media messages: messages.sendMedia (uploaded photo / document, re-send by id, geo point, contact), the world API's
/// media sends, messages.getMessages (fresh file references), and the bytes of a message's file for tests. A media
/// message is delivered like a text message, except never as a short update (those carry no media).
/// </summary>
public sealed partial class EmulatorWorld
{
    /// <summary>config.caption_length_max.</summary>
    internal const int CaptionLengthMax = 1024;

    /// <summary>Sends a private message with media as <paramref name="from"/> to <paramref name="to"/> (see <see cref="SendMessage(string, string, string)"/>).</summary>
    public SentMessage SendMedia(string from, string to, string? caption, NewMedia media)
    {
        ArgumentNullException.ThrowIfNull(media);
        caption ??= string.Empty;
        CheckControlCaption(caption);
        var sender = Resolve(from);
        var recipient = Resolve(to);
        var attached = MediaFromApi(sender, media);
        var push = new List<ServerSession>();
        SentMessage result;
        using (new UserLocks([sender, recipient]))
        {
            var (sent, received) = SendPrivateLocked(sender, recipient, caption, [], replyToId: null, randomId: null, origin: null, push, attached);
            result = new SentMessage(Describe(sender, sent), received is null ? null : Describe(recipient, received));
        }

        Flush(push);
        return result;
    }

    /// <summary>Sends a message with media as <paramref name="from"/> to basic group <paramref name="chatId"/> (a member).</summary>
    public SentChatMessage SendChatMedia(string from, long chatId, string? caption, NewMedia media)
    {
        ArgumentNullException.ThrowIfNull(media);
        caption ??= string.Empty;
        CheckControlCaption(caption);
        var sender = Resolve(from);
        var chat = ChatOrThrow(chatId);
        if (!chat.MemberIds.Contains(sender.Id))
        {
            throw new EmulatorWorldException(EmulatorWorldError.Invalid, "the sender is not a member of this chat.");
        }

        var attached = MediaFromApi(sender, media);
        var members = Members(chat);
        var push = new List<ServerSession>();
        SentChatMessage result;
        using (new UserLocks(members))
        {
            var copies = SendChatLocked(sender, chat, members, caption, [], replyToId: null, randomId: null, origin: null, push, attached);
            result = new SentChatMessage(Describe(sender, copies[sender.Id]), copies.Where(c => c.Key != sender.Id).Select(c => Describe(_usersById[c.Key], c.Value)).ToArray());
        }

        Flush(push);
        return result;
    }

    /// <summary>The bytes of the photo or document in message <paramref name="messageId"/> of <paramref name="user"/>'s box; null when the message has no file.</summary>
    public EmulatorFile? MessageFile(string user, int messageId)
    {
        var owner = Resolve(user);
        lock (owner.Gate)
        {
            var message = FindMessage(owner, messageId) ?? throw new EmulatorWorldException(EmulatorWorldError.NotFound, "no such message in this user's box.");
            return message.Media?.File is { } file ? new EmulatorFile(file.Bytes, file.MimeType, file.FileName, file.DcId) : null;
        }
    }

    /// <summary>
    /// messages.sendMedia: like sendMessage (random_id idempotency, reply_to, blocks), with a caption of at most
    /// caption_length_max. Uploaded files are assembled here (the part rules, MD5) and stored on the caller's DC.
    /// Answers <c>updates{updateMessageID, updateNewMessage}</c>, as Telegram does.
    /// </summary>
    internal UpdatesConstructor SendMedia(RpcContext context, long userId, Tl.Api.Messages.SendMedia request)
    {
        var caption = request.Message ?? string.Empty;
        if (caption.Length > CaptionLengthMax)
        {
            throw new RpcErrorException(400, "MEDIA_CAPTION_TOO_LONG");
        }

        var kept = KeepEntities(caption, request.Entities);
        var replyToId = (request.ReplyTo as InputReplyToMessage)?.ReplyToMsgId;
        var sender = _usersById[userId];
        var target = ResolvePeer(sender, request.Peer);
        IEnumerable<WorldUser> involved = target.Chat is { } chat ? Members(chat) : [sender, target.User!];
        lock (sender.Gate)
        {
            if (sender.SentRandomIds.TryGetValue(request.RandomId, out var firstId) && FindMessage(sender, firstId) is { } first)
            {
                return SentMediaResult(sender, first, request.RandomId);
            }
        }

        var media = MediaFromInput(context, sender, request.Media);
        var push = new List<ServerSession>();
        UpdatesConstructor result;
        using (new UserLocks(involved))
        {
            BoxMessage sent;
            if (sender.SentRandomIds.TryGetValue(request.RandomId, out var firstId))
            {
                sent = FindMessage(sender, firstId) ?? throw new RpcErrorException(400, "RANDOM_ID_DUPLICATE");
            }
            else if (target.Chat is { } group)
            {
                CheckReplyLocked(sender, -group.Id, replyToId);
                sent = SendChatLocked(sender, group, Members(group), caption, kept, replyToId, request.RandomId, context.Session, push, media)[sender.Id];
            }
            else
            {
                if (target.User!.BlockedIds.Contains(sender.Id))
                {
                    throw new RpcErrorException(400, "USER_IS_BLOCKED");
                }

                CheckReplyLocked(sender, target.User.Id, replyToId);
                (sent, _) = SendPrivateLocked(sender, target.User, caption, kept, replyToId, request.RandomId, context.Session, push, media);
            }

            result = SentMediaResult(sender, sent, request.RandomId);
        }

        Flush(push);
        return result;
    }

    /// <summary>messages.getMessages by id (inputMessageID, inputMessageReplyTo); unknown ids come back as messageEmpty.</summary>
    internal Tl.Api.Messages.MessagesConstructor GetMessages(long userId, IReadOnlyList<InputMessageBase> ids)
    {
        var self = _usersById[userId];
        lock (self.Gate)
        {
            var messages = new List<MessageBase>(ids.Count);
            var peers = new HashSet<long> { self.Id };
            var chats = new HashSet<long>();
            foreach (var input in ids)
            {
                var found = input switch
                {
                    InputMessageID byId => FindMessage(self, byId.Id),
                    InputMessageReplyTo reply => FindMessage(self, reply.Id) is { ReplyToId: { } replied } ? FindMessage(self, replied) : null,
                    _ => null,
                };
                if (found is null)
                {
                    messages.Add(new MessageEmpty { Id = input is InputMessageID { Id: var id } ? id : 0 });
                    continue;
                }

                messages.Add(WorldTl.Message(found));
                peers.Add(found.FromId);
                NotePeerKey(found.PeerKey, peers, chats);
            }

            return new Tl.Api.Messages.MessagesConstructor { Messages = messages, Chats = ChatsFor(chats, self.Id), Users = UsersLocked(peers, self.Id) };
        }
    }

    private UpdatesConstructor SentMediaResult(WorldUser sender, BoxMessage sent, long randomId) => new()
    {
        Updates = [new UpdateMessageID { Id = sent.Id, RandomId = randomId }, new UpdateNewMessage { Message = WorldTl.Message(sent), Pts = sent.Pts, PtsCount = 1 }],
        Users = MessageUsers(sender, sent),
        Chats = MessageChats(sender, sent),
        Date = sent.Date,

        // The caller's other sessions got this message with seq 0 (see EnvelopeLocked): so does the caller.
        Seq = 0,
    };

    private WorldMedia MediaFromInput(RpcContext context, WorldUser sender, InputMediaBase input)
    {
        switch (input)
        {
            case InputMediaUploadedPhoto photo:
            {
                var content = AssembleUpload(sender.Id, context.DcId, photo.File, out _);
                return new WorldMedia { Kind = WorldMediaKind.Photo, File = StoreFile(content, context.DcId, isPhoto: true, "image/jpeg", [], counted: true) };
            }

            case InputMediaUploadedDocument document:
            {
                if (string.IsNullOrWhiteSpace(document.MimeType) || document.MimeType.Length > 255)
                {
                    throw new RpcErrorException(400, "MIME_TYPE_INVALID");
                }

                var content = AssembleUpload(sender.Id, context.DcId, document.File, out var name);
                var attributes = KeepAttributes(document.Attributes, name);
                return DocumentMedia(StoreFile(content, context.DcId, isPhoto: false, document.MimeType, attributes, counted: true));
            }

            case InputMediaPhoto { Id: InputPhoto photo }:
                return new WorldMedia { Kind = WorldMediaKind.Photo, File = KnownFile(photo.Id, photo.AccessHash, photo.FileReference, isPhoto: true) };

            case InputMediaDocument { Id: InputDocument document }:
                return DocumentMedia(KnownFile(document.Id, document.AccessHash, document.FileReference, isPhoto: false));

            case InputMediaGeoPoint { GeoPoint: InputGeoPoint point }:
                if (!double.IsFinite(point.Lat) || !double.IsFinite(point.Long) || Math.Abs(point.Lat) > 90 || Math.Abs(point.Long) > 180)
                {
                    throw new RpcErrorException(400, "GEO_POINT_INVALID");
                }

                return new WorldMedia { Kind = WorldMediaKind.Geo, Latitude = point.Lat, Longitude = point.Long };

            case InputMediaContact contact:
                return ContactMedia(contact.PhoneNumber, contact.FirstName, contact.LastName, contact.Vcard);

            default:
                throw new RpcErrorException(400, "MEDIA_INVALID");
        }
    }

    /// <summary>A file sent before (re-send by id): it must exist and the reference must be fresh.</summary>
    private StoredFile KnownFile(long id, long accessHash, byte[] reference, bool isPhoto)
    {
        if (!_files.TryGetValue(id, out var file) || file.AccessHash != accessHash || file.IsPhoto != isPhoto)
        {
            throw new RpcErrorException(400, "MEDIA_INVALID");
        }

        return file.References.IsValid(file.Id, reference) ? file : throw new RpcErrorException(400, "FILE_REFERENCE_EXPIRED");
    }

    private WorldMedia ContactMedia(string? phone, string? firstName, string? lastName, string? vcard)
    {
        if (string.IsNullOrWhiteSpace(phone) || string.IsNullOrWhiteSpace(firstName))
        {
            throw new RpcErrorException(400, "MEDIA_INVALID");
        }

        var known = NormalizePhone(phone) is { } digits && _usersByPhone.TryGetValue(digits, out var user) ? user.Id : 0;
        return new WorldMedia { Kind = WorldMediaKind.Contact, Phone = phone, FirstName = firstName, LastName = lastName ?? string.Empty, Vcard = vcard ?? string.Empty, ContactUserId = known };
    }

    private static WorldMedia DocumentMedia(StoredFile file)
    {
        var audio = file.Attributes.OfType<DocumentAttributeAudio>().FirstOrDefault();
        var video = file.Attributes.OfType<DocumentAttributeVideo>().FirstOrDefault();
        return new WorldMedia
        {
            Kind = WorldMediaKind.Document,
            File = file,
            Voice = audio?.Voice == true,
            Video = video is { RoundMessage: false },
            Round = video is { RoundMessage: true },
        };
    }

    /// <summary>The attributes a document keeps: the known kinds, the uploaded file's name when none names it.</summary>
    private static List<DocumentAttributeBase> KeepAttributes(IReadOnlyList<DocumentAttributeBase> attributes, string uploadedName)
    {
        var kept = new List<DocumentAttributeBase>();
        foreach (var attribute in attributes)
        {
            switch (attribute)
            {
                case DocumentAttributeSticker sticker:
                    // Sticker sets are not emulated: the sticker belongs to none.
                    kept.Add(new DocumentAttributeSticker { Alt = sticker.Alt, Stickerset = new InputStickerSetEmpty(), Mask = sticker.Mask });
                    break;
                case DocumentAttributeFilename or DocumentAttributeAudio or DocumentAttributeVideo or DocumentAttributeImageSize or DocumentAttributeAnimated:
                    kept.Add(attribute);
                    break;
            }
        }

        if (!kept.OfType<DocumentAttributeFilename>().Any() && !string.IsNullOrEmpty(uploadedName))
        {
            kept.Add(new DocumentAttributeFilename { FileName = uploadedName });
        }

        return kept;
    }

    /// <summary>Media given through the world API, stored (files) on the requested DC or the sender's.</summary>
    private WorldMedia MediaFromApi(WorldUser sender, NewMedia media)
    {
        if (media.Kind == EmulatorMediaKind.Geo)
        {
            var (lat, lon) = (media.Latitude ?? double.NaN, media.Longitude ?? double.NaN);
            return double.IsFinite(lat) && double.IsFinite(lon) && Math.Abs(lat) <= 90 && Math.Abs(lon) <= 180
                ? new WorldMedia { Kind = WorldMediaKind.Geo, Latitude = lat, Longitude = lon }
                : throw new EmulatorWorldException(EmulatorWorldError.Invalid, "geo needs latitude (−90…90) and longitude (−180…180).");
        }

        if (media.Kind == EmulatorMediaKind.Contact)
        {
            try
            {
                return ContactMedia(media.Phone, media.FirstName, media.LastName, null);
            }
            catch (RpcErrorException)
            {
                throw new EmulatorWorldException(EmulatorWorldError.Invalid, "contact needs phone and firstName.");
            }
        }

        if (media.Content is not { Length: > 0 } content)
        {
            throw new EmulatorWorldException(EmulatorWorldError.Invalid, "media needs base64: the file's bytes (not empty).");
        }

        var dcId = media.DcId ?? sender.DcId;
        if (!_emulator.Dcs.ContainsKey(dcId))
        {
            throw new EmulatorWorldException(EmulatorWorldError.Invalid, $"dc {dcId} is not one of this emulator's DCs.");
        }

        if (media.Kind == EmulatorMediaKind.Photo)
        {
            return new WorldMedia { Kind = WorldMediaKind.Photo, File = StoreFile(content, dcId, isPhoto: true, "image/jpeg", [], counted: false) };
        }

        var duration = media.DurationSeconds ?? 0;
        var (mime, attribute) = media.Kind switch
        {
            EmulatorMediaKind.Voice => ("audio/ogg", (DocumentAttributeBase?)new DocumentAttributeAudio { Voice = true, Duration = duration }),
            EmulatorMediaKind.Audio => ("audio/mpeg", new DocumentAttributeAudio { Duration = duration }),
            EmulatorMediaKind.Video => ("video/mp4", new DocumentAttributeVideo { Duration = duration, W = 0, H = 0, SupportsStreaming = true }),
            EmulatorMediaKind.Sticker => ("image/webp", new DocumentAttributeSticker { Alt = string.Empty, Stickerset = new InputStickerSetEmpty() }),
            _ => ("application/octet-stream", null),
        };
        List<DocumentAttributeBase> attributes = attribute is null ? [] : [attribute];
        var fileName = media.FileName ?? (media.Kind == EmulatorMediaKind.Document ? "file" : null);
        if (fileName is not null)
        {
            attributes.Add(new DocumentAttributeFilename { FileName = fileName });
        }

        return DocumentMedia(StoreFile(content, dcId, isPhoto: false, media.MimeType ?? mime, attributes, counted: false));
    }

    private static void CheckControlCaption(string caption)
    {
        if (caption.Length > CaptionLengthMax)
        {
            throw new EmulatorWorldException(EmulatorWorldError.Invalid, $"text: at most {CaptionLengthMax} characters with media (MEDIA_CAPTION_TOO_LONG).");
        }
    }

    private static EmulatorMedia? DescribeMedia(WorldMedia? media)
    {
        if (media is null)
        {
            return null;
        }

        if (media.File is not { } file)
        {
            return media.Kind == WorldMediaKind.Geo
                ? new EmulatorMedia("geo", null, null, null, null, null, media.Latitude, media.Longitude)
                : new EmulatorMedia("contact", null, null, null, null, null, Phone: media.Phone, FirstName: media.FirstName);
        }

        var kind = media.Kind == WorldMediaKind.Photo ? "photo"
            : media.Voice ? "voice"
            : media.Video || media.Round ? "video"
            : file.Attributes.OfType<DocumentAttributeSticker>().Any() ? "sticker"
            : file.Attributes.OfType<DocumentAttributeAudio>().Any() ? "audio"
            : "document";
        return new EmulatorMedia(kind, file.Id, file.FileName, file.MimeType, file.Bytes.Length, file.DcId);
    }

    /// <summary>"photo", "document", … as the control API names the kinds.</summary>
    internal static EmulatorMediaKind ParseMediaKind(string? kind)
        => Enum.TryParse<EmulatorMediaKind>(kind, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(kind, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
            ? parsed
            : throw new EmulatorWorldException(EmulatorWorldError.Invalid, "media.kind must be photo, document, voice, video, audio, sticker, geo or contact.");
}
