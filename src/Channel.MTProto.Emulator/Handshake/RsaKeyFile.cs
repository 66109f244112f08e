using Channel.MTProto.Crypto;

namespace Channel.MTProto.Emulator.Handshake;

/// <summary>Persists the emulator's RSA identity so a sandbox keeps its key (and clients their trust) across runs.</summary>
internal static class RsaKeyFile
{
    /// <summary>Loads the PEM at <paramref name="path"/>, or generates a 2048-bit key and writes it there (owner-only).</summary>
    public static RsaPrivateKey LoadOrCreate(string path)
    {
        if (File.Exists(path))
        {
            return RsaPrivateKey.FromPem(File.ReadAllText(path));
        }

        var key = RsaPrivateKey.Generate();
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(path, System.Text.Encoding.ASCII, options))
        {
            writer.Write(key.ExportPrivatePem());
        }

        return key;
    }
}
