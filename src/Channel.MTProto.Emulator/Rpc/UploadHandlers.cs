using Channel.MTProto.Emulator.World;
using Channel.MTProto.Tl.Api;

namespace Channel.MTProto.Emulator.Rpc;

/// <summary>upload.saveFilePart / saveBigFilePart / getFile, and auth.exportAuthorization / importAuthorization (how a
/// client gets a logged-in key on the DC that stores a file). The rules live in <see cref="EmulatorWorld"/>.</summary>
internal static class UploadHandlers
{
    public static void Register(WorldRpc rpc)
    {
        var world = rpc.World;
        rpc.Authorized<Upload.SaveFilePart, bool>(Upload.SaveFilePart.TlConstructorId,
            (context, userId, request) => world.SaveFilePart(context, userId, request.FileId, request.FilePart, totalParts: null, request.Bytes));
        rpc.Authorized<Upload.SaveBigFilePart, bool>(Upload.SaveBigFilePart.TlConstructorId,
            (context, userId, request) => world.SaveFilePart(context, userId, request.FileId, request.FilePart, request.FileTotalParts, request.Bytes));
        rpc.AuthorizedUncompressed<Upload.GetFile, Upload.FileBase>(Upload.GetFile.TlConstructorId,
            (context, _, request) => world.GetFile(context, request.Location, request.Offset, request.Limit, request.Precise));
        rpc.Authorized<Auth.ExportAuthorization, Auth.ExportedAuthorizationBase>(Auth.ExportAuthorization.TlConstructorId,
            (context, userId, request) => world.ExportAuthorization(context, userId, request.DcId));
        rpc.Anonymous<Auth.ImportAuthorization, Auth.AuthorizationBase>(Auth.ImportAuthorization.TlConstructorId,
            (context, request) => world.ImportAuthorization(context, request.Id, request.Bytes));
    }
}
