using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using Channel.MTProto.Emulator.Rpc;
using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.Emulator.World;

/// <summary>
/// Files: uploads in parts with Telegram's rules (upload.saveFilePart up to 10 MiB, saveBigFilePart above), storage
/// per DC, downloads with upload.getFile's offset/limit rules, FILE_MIGRATE_X, expiring file references, and the
/// authorization transfer (auth.exportAuthorization / importAuthorization) a client needs to download from another DC.
/// Memory is bounded: parts of an unfinished upload expire, and pending parts and stored files have configured totals.
/// </summary>
public sealed partial class EmulatorWorld
{
    /// <summary>The largest part (and the only size every part but the last may be a divisor of).</summary>
    internal const int MaxPartSize = 512 * 1024;

    /// <summary>saveFilePart files end here; bigger ones need saveBigFilePart.</summary>
    internal const int MaxSmallFileSize = 10 * 1024 * 1024;

    /// <summary>4000 parts of 512 KiB: Telegram's 2 GB limit for a file.</summary>
    internal const int MaxFileParts = 4000;

    private const int DownloadBlock = 1024 * 1024;
    private const int ExportedAuthorizationSeconds = 60;
    private const int MaxExportedAuthorizations = 10_000;

    private readonly Lock _filesLock = new();
    private readonly Dictionary<(long UserId, int DcId, long FileId), PendingUpload> _uploads = [];
    private readonly ConcurrentDictionary<long, StoredFile> _files = new();
    private readonly ConcurrentDictionary<string, ExportedAuthorization> _exportedAuthorizations = new(StringComparer.Ordinal);
    private FileReferenceIssuer? _fileReferences;
    private long _pendingUploadBytes;
    private long _storedFileBytes;

    /// <summary>Makes every file reference issued so far stale: the next upload.getFile (or re-send) with one answers
    /// FILE_REFERENCE_EXPIRED, and clients must fetch the message again for a fresh one.</summary>
    public void ExpireFileReferences() => FileReferences.ExpireAll();

    /// <summary>Bytes held by unfinished uploads and by stored files (memory bounds, for tests).</summary>
    public (long PendingUploadBytes, long StoredFileBytes) FileMemory()
    {
        lock (_filesLock)
        {
            return (_pendingUploadBytes, _storedFileBytes);
        }
    }

    private FileReferenceIssuer FileReferences
        => LazyInitializer.EnsureInitialized(ref _fileReferences, () => new FileReferenceIssuer(Time, _options.FileReferenceLifetime));

    /// <summary>
    /// upload.saveFilePart (<paramref name="totalParts"/> null) or saveBigFilePart. What can be checked on one part is
    /// checked here (empty, over 512 KiB, part number, a big file's non-last part size); the rest when the file is used.
    /// </summary>
    internal bool SaveFilePart(RpcContext context, long userId, long fileId, int part, int? totalParts, byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            throw new RpcErrorException(400, "FILE_PART_EMPTY");
        }

        if (bytes.Length > MaxPartSize)
        {
            throw new RpcErrorException(400, "FILE_PART_TOO_BIG");
        }

        if (totalParts is { } total && total is < 1 or > MaxFileParts)
        {
            throw new RpcErrorException(400, "FILE_PARTS_INVALID");
        }

        if (part < 0 || part >= (totalParts ?? MaxFileParts))
        {
            throw new RpcErrorException(400, "FILE_PART_INVALID");
        }

        if (totalParts is { } count && part < count - 1 && !IsValidPartSize(bytes.Length))
        {
            throw new RpcErrorException(400, "FILE_PART_SIZE_INVALID");
        }

        var now = Time.GetUtcNow();
        lock (_filesLock)
        {
            ExpireUploadsLocked(now);
            var key = (userId, context.DcId, fileId);
            if (!_uploads.TryGetValue(key, out var upload))
            {
                upload = new PendingUpload { Big = totalParts is not null, TotalParts = totalParts };
                _uploads[key] = upload;
            }
            else if (upload.Big != totalParts is not null || upload.TotalParts != totalParts)
            {
                throw new RpcErrorException(400, "FILE_PARTS_INVALID");
            }

            var delta = bytes.Length - (upload.Parts.TryGetValue(part, out var previous) ? previous.Length : 0);
            if (_pendingUploadBytes + delta > _options.MaxPendingUploadBytes)
            {
                // Space frees up when the oldest unfinished upload expires: that is the wait.
                var oldest = _uploads.Values.Where(u => u.Parts.Count > 0).Select(u => u.LastPartAt).DefaultIfEmpty(now).Min();
                var wait = Math.Max(1, (int)Math.Ceiling((oldest + _options.UploadPartLifetime - now).TotalSeconds));
                RemoveEmptyUploadLocked(key, upload);
                throw new RpcErrorException(420, "FLOOD_WAIT_" + wait.ToString(CultureInfo.InvariantCulture));
            }

            if (_pendingUploadBytes + _storedFileBytes + delta > _options.MaxStoredFileBytes)
            {
                RemoveEmptyUploadLocked(key, upload);
                throw new RpcErrorException(500, "FILE_WRITE_FAILED");
            }

            upload.Parts[part] = bytes;
            upload.Bytes += delta;
            upload.LastPartAt = now;
            _pendingUploadBytes += delta;
        }

        return true;
    }

    /// <summary>upload.getFile: offset/limit rules, the location (id, access hash, size type), the DC, the reference.</summary>
    internal Tl.Api.Upload.File GetFile(RpcContext context, InputFileLocationBase location, long offset, int limit, bool precise)
    {
        if (precise ? limit <= 0 || limit % 1024 != 0 || limit > DownloadBlock : limit <= 0 || limit % 4096 != 0 || DownloadBlock % limit != 0)
        {
            throw new RpcErrorException(400, "LIMIT_INVALID");
        }

        if (offset < 0 || offset % (precise ? 1024 : 4096) != 0)
        {
            throw new RpcErrorException(400, "OFFSET_INVALID");
        }

        if (!precise && offset / DownloadBlock != (offset + limit - 1) / DownloadBlock)
        {
            throw new RpcErrorException(400, "LIMIT_INVALID");
        }

        var (file, reference) = location switch
        {
            InputDocumentFileLocation document when document.ThumbSize.Length == 0 && _files.TryGetValue(document.Id, out var found)
                && !found.IsPhoto && found.AccessHash == document.AccessHash => (found, document.FileReference),
            InputPhotoFileLocation photo when photo.ThumbSize == WorldMedia.PhotoSizeType && _files.TryGetValue(photo.Id, out var found)
                && found.IsPhoto && found.AccessHash == photo.AccessHash => (found, photo.FileReference),
            _ => throw new RpcErrorException(400, "LOCATION_INVALID"),
        };

        if (file.DcId != context.DcId)
        {
            throw new RpcErrorException(303, "FILE_MIGRATE_" + file.DcId.ToString(CultureInfo.InvariantCulture));
        }

        if (!file.References.IsValid(file.Id, reference))
        {
            throw new RpcErrorException(400, "FILE_REFERENCE_EXPIRED");
        }

        var start = (int)Math.Min(offset, file.Bytes.Length);
        var length = Math.Min(limit, file.Bytes.Length - start);
        Tl.Api.Storage.FileTypeBase type = offset == 0 && length == file.Bytes.Length ? FileType(file) : new Tl.Api.Storage.FilePartial();
        return new Tl.Api.Upload.File { Type = type, Mtime = file.Date, Bytes = file.Bytes.AsSpan(start, length).ToArray() };
    }

    /// <summary>auth.exportAuthorization: one-use bytes (a minute) for importing this user's login on DC <paramref name="dcId"/>.</summary>
    internal Tl.Api.Auth.ExportedAuthorization ExportAuthorization(RpcContext context, long userId, int dcId)
    {
        if (dcId == context.DcId || !_emulator.Dcs.ContainsKey(dcId))
        {
            throw new RpcErrorException(400, "DC_ID_INVALID");
        }

        var now = Time.GetUtcNow();
        foreach (var stale in _exportedAuthorizations.Where(e => e.Value.ExpiresAt <= now).Select(e => e.Key).ToList())
        {
            _exportedAuthorizations.TryRemove(stale, out _);
        }

        if (_exportedAuthorizations.Count >= MaxExportedAuthorizations)
        {
            // Unused exports pile up only as fast as a client asks for them: bounded, they expire within a minute.
            throw new RpcErrorException(420, "FLOOD_WAIT_" + ExportedAuthorizationSeconds.ToString(CultureInfo.InvariantCulture));
        }

        var bytes = RandomNumberGenerator.GetBytes(128);
        _exportedAuthorizations[Convert.ToHexString(bytes)] = new ExportedAuthorization(userId, dcId, now.AddSeconds(ExportedAuthorizationSeconds));
        return new Tl.Api.Auth.ExportedAuthorization { Id = userId, Bytes = bytes };
    }

    /// <summary>auth.importAuthorization: authorizes this key for the exporting user (AUTH_BYTES_INVALID otherwise).</summary>
    internal Tl.Api.Auth.Authorization ImportAuthorization(RpcContext context, long id, byte[] bytes)
    {
        if (!_exportedAuthorizations.TryRemove(Convert.ToHexString(bytes), out var exported)
            || exported.UserId != id || exported.DcId != context.DcId || exported.ExpiresAt <= Time.GetUtcNow()
            || !_usersById.TryGetValue(id, out var user))
        {
            throw new RpcErrorException(400, "AUTH_BYTES_INVALID");
        }

        lock (_lock)
        {
            return new Tl.Api.Auth.Authorization { User = AuthorizeLocked(context, user) };
        }
    }

    /// <summary>Takes the parts of an uploaded file and stores it on the caller's DC (the upload is used up).</summary>
    private byte[] AssembleUpload(long userId, int dcId, InputFileBase input, out string name)
    {
        var (fileId, parts, md5) = input switch
        {
            InputFile small => (small.Id, small.Parts, small.Md5Checksum),
            InputFileBig big => (big.Id, big.Parts, (string?)null),
            _ => throw new RpcErrorException(400, "FILE_ID_INVALID"),
        };
        name = input is InputFile f ? f.Name : ((InputFileBig)input).Name;
        byte[] content;
        lock (_filesLock)
        {
            ExpireUploadsLocked(Time.GetUtcNow());
            var key = (userId, dcId, fileId);
            if (!_uploads.TryGetValue(key, out var upload))
            {
                throw new RpcErrorException(400, "FILE_PART_0_MISSING");
            }

            if (parts is < 1 or > MaxFileParts || upload.Big != input is InputFileBig || (upload.TotalParts is { } total && total != parts))
            {
                throw new RpcErrorException(400, "FILE_PARTS_INVALID");
            }

            var partSize = 0;
            long length = 0;
            for (var i = 0; i < parts; i++)
            {
                if (!upload.Parts.TryGetValue(i, out var bytes))
                {
                    throw new RpcErrorException(400, "FILE_PART_" + i.ToString(CultureInfo.InvariantCulture) + "_MISSING");
                }

                if (i == 0)
                {
                    partSize = bytes.Length;
                }

                if (i < parts - 1 && !IsValidPartSize(bytes.Length))
                {
                    throw new RpcErrorException(400, "FILE_PART_SIZE_INVALID");
                }

                if ((i < parts - 1 && bytes.Length != partSize) || bytes.Length > partSize)
                {
                    throw new RpcErrorException(400, "FILE_PART_SIZE_CHANGED");
                }

                length += bytes.Length;
            }

            if (!upload.Big && length > MaxSmallFileSize)
            {
                throw new RpcErrorException(400, "FILE_PARTS_INVALID");
            }

            content = new byte[length];
            var offset = 0;
            for (var i = 0; i < parts; i++)
            {
                var bytes = upload.Parts[i];
                bytes.CopyTo(content, offset);
                offset += bytes.Length;
            }

            _uploads.Remove(key);
            _pendingUploadBytes -= upload.Bytes;
            _storedFileBytes += content.Length;
        }

        if (!string.IsNullOrEmpty(md5) && !string.Equals(md5, Convert.ToHexStringLower(MD5.HashData(content)), StringComparison.OrdinalIgnoreCase))
        {
            // The upload is used up either way: a client with a wrong checksum uploads again.
            lock (_filesLock)
            {
                _storedFileBytes -= content.Length;
            }

            throw new RpcErrorException(400, "MD5_CHECKSUM_INVALID");
        }

        return content;
    }

    /// <summary>Stores bytes as a file on <paramref name="dcId"/> (the bytes were already counted, or are counted here).</summary>
    private StoredFile StoreFile(byte[] content, int dcId, bool isPhoto, string mimeType, IReadOnlyList<DocumentAttributeBase> attributes, bool counted)
    {
        if (!counted)
        {
            lock (_filesLock)
            {
                if (_pendingUploadBytes + _storedFileBytes + content.Length > _options.MaxStoredFileBytes)
                {
                    throw new EmulatorWorldException(EmulatorWorldError.Invalid, $"the emulator stores at most {_options.MaxStoredFileBytes} bytes of files (WorldOptions.MaxStoredFileBytes).");
                }

                _storedFileBytes += content.Length;
            }
        }

        var (width, height) = isPhoto ? ImageDimensions.Read(content) : (0, 0);
        long id;
        StoredFile file;
        do
        {
            id = RandomLong() & long.MaxValue;
            file = new StoredFile
            {
                Id = id, AccessHash = RandomLong(), DcId = dcId, Bytes = content, IsPhoto = isPhoto, MimeType = mimeType, Date = UnixNow,
                Attributes = attributes, Width = width, Height = height, References = FileReferences,
            };
        }
        while (!_files.TryAdd(id, file));

        return file;
    }

    /// <summary>Every part but the last: a multiple of 1 KiB that divides 512 KiB.</summary>
    private static bool IsValidPartSize(int size) => size > 0 && size % 1024 == 0 && MaxPartSize % size == 0;

    private static Tl.Api.Storage.FileTypeBase FileType(StoredFile file) => file.MimeType switch
    {
        _ when file.IsPhoto => new Tl.Api.Storage.FileJpeg(),
        "image/jpeg" => new Tl.Api.Storage.FileJpeg(),
        "image/png" => new Tl.Api.Storage.FilePng(),
        "image/gif" => new Tl.Api.Storage.FileGif(),
        "image/webp" => new Tl.Api.Storage.FileWebp(),
        "application/pdf" => new Tl.Api.Storage.FilePdf(),
        "audio/mpeg" => new Tl.Api.Storage.FileMp3(),
        "video/quicktime" => new Tl.Api.Storage.FileMov(),
        "video/mp4" => new Tl.Api.Storage.FileMp4(),
        _ => new Tl.Api.Storage.FileUnknown(),
    };

    private void ExpireUploadsLocked(DateTimeOffset now)
    {
        if (_uploads.Count == 0)
        {
            return;
        }

        foreach (var (key, upload) in _uploads.Where(u => u.Value.LastPartAt + _options.UploadPartLifetime <= now).ToList())
        {
            _uploads.Remove(key);
            _pendingUploadBytes -= upload.Bytes;
        }
    }

    private void RemoveEmptyUploadLocked((long, int, long) key, PendingUpload upload)
    {
        if (upload.Parts.Count == 0)
        {
            _uploads.Remove(key);
        }
    }

    private sealed record ExportedAuthorization(long UserId, int DcId, DateTimeOffset ExpiresAt);
}
