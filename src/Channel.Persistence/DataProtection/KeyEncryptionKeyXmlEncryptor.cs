using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Channel.Persistence.DataProtection;

/// <summary>
/// Wraps each DataProtection key element with AES-256-GCM under the <see cref="KeyEncryptionKey"/> before the key
/// ring stores it. Output: <c>&lt;encryptedKey kekId="…"&gt;base64(nonce ‖ ciphertext ‖ tag)&lt;/encryptedKey&gt;</c>.
/// </summary>
internal sealed class KeyEncryptionKeyXmlEncryptor(KeyEncryptionKey kek) : IXmlEncryptor
{
    internal static readonly XNamespace Namespace = "urn:channel:dataprotection:kek:v1";
    internal static readonly XName EncryptedKeyName = Namespace + "encryptedKey";
    internal const string KekIdAttribute = "kekId";
    internal const int NonceSize = 12;
    internal const int TagSize = 16;

    /// <summary>Binds the ciphertext to its use, so it cannot be replayed as another kind of GCM payload.</summary>
    internal static ReadOnlySpan<byte> AssociatedData => "Channel.DataProtection.KeyElement.v1"u8;

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        ArgumentNullException.ThrowIfNull(plaintextElement);
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var sealedBox = new byte[NonceSize + plaintext.Length + TagSize];
        var nonce = sealedBox.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        try
        {
            using var aes = new AesGcm(kek.Key, TagSize);
            aes.Encrypt(nonce, plaintext, sealedBox.AsSpan(NonceSize, plaintext.Length), sealedBox.AsSpan(NonceSize + plaintext.Length), AssociatedData);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }

        var element = new XElement(EncryptedKeyName, new XAttribute(KekIdAttribute, kek.Id), Convert.ToBase64String(sealedBox));
        return new EncryptedXmlInfo(element, typeof(KeyEncryptionKeyXmlDecryptor));
    }
}
