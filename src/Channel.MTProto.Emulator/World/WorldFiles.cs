using System.Buffers.Binary;
using System.Security.Cryptography;
using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.Emulator.World;

// The world's files and media. Kept in memory only (the state file does not carry them): files are immutable once
// stored and shared by every copy of the messages that carry them.

/// <summary>What a message carries besides its text.</summary>
internal enum WorldMediaKind
{
    Photo,
    Document,
    Geo,
    Contact,
}

/// <summary>A file stored on one DC: a photo (one size, the original bytes) or a document.</summary>
internal sealed class StoredFile
{
    public required long Id { get; init; }

    public required long AccessHash { get; init; }

    /// <summary>The DC that serves the bytes; upload.getFile elsewhere answers FILE_MIGRATE_X.</summary>
    public required int DcId { get; init; }

    public required byte[] Bytes { get; init; }

    public required bool IsPhoto { get; init; }

    public required string MimeType { get; init; }

    public required int Date { get; init; }

    /// <summary>Documents: the attributes as the sender gave them (a file name added when missing).</summary>
    public IReadOnlyList<DocumentAttributeBase> Attributes { get; init; } = [];

    /// <summary>Photos: the dimensions read from a PNG or JPEG header (0 when unknown).</summary>
    public int Width { get; init; }

    public int Height { get; init; }

    public required FileReferenceIssuer References { get; init; }

    public string? FileName => Attributes.OfType<DocumentAttributeFilename>().FirstOrDefault()?.FileName;
}

/// <summary>A message's media: a stored file (photo, document) or an inline geo point / contact.</summary>
internal sealed class WorldMedia
{
    /// <summary>The one photo size the emulator keeps: the original bytes (Telegram's 1280-px box type).</summary>
    public const string PhotoSizeType = "y";

    public required WorldMediaKind Kind { get; init; }

    public StoredFile? File { get; init; }

    /// <summary>messageMediaDocument flags: set from the attributes.</summary>
    public bool Voice { get; init; }

    public bool Video { get; init; }

    public bool Round { get; init; }

    public double Latitude { get; init; }

    public double Longitude { get; init; }

    public string Phone { get; init; } = string.Empty;

    public string FirstName { get; init; } = string.Empty;

    public string LastName { get; init; } = string.Empty;

    public string Vcard { get; init; } = string.Empty;

    public long ContactUserId { get; init; }

    /// <summary>The TL media with a file reference issued now.</summary>
    public MessageMediaBase ToTl() => Kind switch
    {
        WorldMediaKind.Photo => new MessageMediaPhoto { Photo = PhotoTl(File!) },
        WorldMediaKind.Document => new MessageMediaDocument { Document = DocumentTl(File!), Voice = Voice, Video = Video, Round = Round },
        WorldMediaKind.Geo => new MessageMediaGeo { Geo = new GeoPoint { Lat = Latitude, Long = Longitude, AccessHash = BitConverter.DoubleToInt64Bits(Latitude) ^ BitConverter.DoubleToInt64Bits(Longitude) } },
        _ => new MessageMediaContact { PhoneNumber = Phone, FirstName = FirstName, LastName = LastName, Vcard = Vcard, UserId = ContactUserId },
    };

    public static Photo PhotoTl(StoredFile file) => new()
    {
        Id = file.Id,
        AccessHash = file.AccessHash,
        FileReference = file.References.Issue(file.Id),
        Date = file.Date,
        Sizes = [new PhotoSize { Type = PhotoSizeType, W = file.Width, H = file.Height, Size = file.Bytes.Length }],
        DcId = file.DcId,
    };

    public static Document DocumentTl(StoredFile file) => new()
    {
        Id = file.Id,
        AccessHash = file.AccessHash,
        FileReference = file.References.Issue(file.Id),
        Date = file.Date,
        MimeType = file.MimeType,
        Size = file.Bytes.Length,
        DcId = file.DcId,
        Attributes = file.Attributes,
    };
}

/// <summary>
/// File references as Telegram uses them: opaque bytes that come with every photo / document and expire. Each is
/// the issue time plus an HMAC over (file id, issue time, epoch), so checking needs no per-file state: a reference is
/// valid while it is younger than the lifetime and the epoch has not moved (<see cref="ExpireAll"/>, a fault).
/// </summary>
internal sealed class FileReferenceIssuer(TimeProvider time, TimeSpan lifetime)
{
    private const int MacLength = 16;
    private readonly byte[] _secret = RandomNumberGenerator.GetBytes(32);
    private int _epoch;

    /// <summary>Every reference issued so far is expired from now on.</summary>
    public void ExpireAll() => Interlocked.Increment(ref _epoch);

    public byte[] Issue(long fileId)
    {
        var reference = new byte[8 + MacLength];
        var issuedAt = time.GetUtcNow().ToUnixTimeMilliseconds();
        BinaryPrimitives.WriteInt64LittleEndian(reference, issuedAt);
        Mac(fileId, issuedAt, Volatile.Read(ref _epoch), reference.AsSpan(8));
        return reference;
    }

    public bool IsValid(long fileId, ReadOnlySpan<byte> reference)
    {
        if (reference.Length != 8 + MacLength)
        {
            return false;
        }

        var issuedAt = BinaryPrimitives.ReadInt64LittleEndian(reference);
        Span<byte> expected = stackalloc byte[MacLength];
        Mac(fileId, issuedAt, Volatile.Read(ref _epoch), expected);
        var age = time.GetUtcNow().ToUnixTimeMilliseconds() - issuedAt;
        return CryptographicOperations.FixedTimeEquals(expected, reference[8..]) && age >= 0 && age < lifetime.TotalMilliseconds;
    }

    private void Mac(long fileId, long issuedAt, int epoch, Span<byte> destination)
    {
        Span<byte> input = stackalloc byte[20];
        BinaryPrimitives.WriteInt64LittleEndian(input, fileId);
        BinaryPrimitives.WriteInt64LittleEndian(input[8..], issuedAt);
        BinaryPrimitives.WriteInt32LittleEndian(input[16..], epoch);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_secret, input, mac);
        mac[..destination.Length].CopyTo(destination);
    }
}

/// <summary>The parts of one unfinished upload (upload.saveFilePart / saveBigFilePart with one file_id).</summary>
internal sealed class PendingUpload
{
    public required bool Big { get; init; }

    /// <summary>file_total_parts of saveBigFilePart (null for small files).</summary>
    public int? TotalParts { get; init; }

    public Dictionary<int, byte[]> Parts { get; } = [];

    public long Bytes { get; set; }

    public DateTimeOffset LastPartAt { get; set; }
}
