using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;

namespace Channel.Persistence.DataProtection;

/// <summary>
/// Unwraps what <see cref="KeyEncryptionKeyXmlEncryptor"/> wrote. DataProtection creates decryptors by type name,
/// passing the service provider, hence the constructor shape.
/// </summary>
internal sealed class KeyEncryptionKeyXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    private readonly KeyEncryptionKey _kek = services.GetRequiredService<KeyEncryptionKey>();

    public XElement Decrypt(XElement encryptedElement)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        if (encryptedElement.Name != KeyEncryptionKeyXmlEncryptor.EncryptedKeyName)
        {
            throw new CryptographicException($"Expected a {KeyEncryptionKeyXmlEncryptor.EncryptedKeyName} element.");
        }

        var kekId = (string?)encryptedElement.Attribute(KeyEncryptionKeyXmlEncryptor.KekIdAttribute);
        if (!string.Equals(kekId, _kek.Id, StringComparison.Ordinal))
        {
            throw new CryptographicException(
                $"A DataProtection key was wrapped with key-encryption key '{kekId}' but the configured one is '{_kek.Id}'. " +
                "Configure the key-encryption key the key ring was created with.");
        }

        var sealedBox = Convert.FromBase64String(encryptedElement.Value);
        const int Overhead = KeyEncryptionKeyXmlEncryptor.NonceSize + KeyEncryptionKeyXmlEncryptor.TagSize;
        if (sealedBox.Length < Overhead)
        {
            throw new CryptographicException("The wrapped DataProtection key is truncated.");
        }

        var plaintext = new byte[sealedBox.Length - Overhead];
        try
        {
            using var aes = new AesGcm(_kek.Key, KeyEncryptionKeyXmlEncryptor.TagSize);
            aes.Decrypt(
                sealedBox.AsSpan(0, KeyEncryptionKeyXmlEncryptor.NonceSize),
                sealedBox.AsSpan(KeyEncryptionKeyXmlEncryptor.NonceSize, plaintext.Length),
                sealedBox.AsSpan(KeyEncryptionKeyXmlEncryptor.NonceSize + plaintext.Length),
                plaintext,
                KeyEncryptionKeyXmlEncryptor.AssociatedData);
            return XElement.Parse(Encoding.UTF8.GetString(plaintext));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}
