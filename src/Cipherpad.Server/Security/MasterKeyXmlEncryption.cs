using System.Xml.Linq;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Cipherpad.Server.Security;

/// <summary>
/// Encrypts ASP.NET Core data-protection keys (which sign sign-in cookies and antiforgery tokens) under the master
/// key before they are stored in the shared database, so a copy of the database alone cannot forge a sign-in.
/// </summary>
public sealed class MasterKeyXmlEncryptor(SecretProtector protector) : IXmlEncryptor
{
    internal const string Purpose = "data-protection-key";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        ArgumentNullException.ThrowIfNull(plaintextElement);
        var ciphertext = protector.Protect(System.Text.Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting)), Purpose);
        return new EncryptedXmlInfo(new XElement("encryptedKey", Convert.ToBase64String(ciphertext)), typeof(MasterKeyXmlDecryptor));
    }
}

/// <summary>Created by the data-protection system by type name; resolves the protector from its services.</summary>
public sealed class MasterKeyXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        var protector = services.GetRequiredService<SecretProtector>();
        var plaintext = protector.Unprotect(Convert.FromBase64String(encryptedElement.Value), MasterKeyXmlEncryptor.Purpose);
        return XElement.Parse(System.Text.Encoding.UTF8.GetString(plaintext));
    }
}

/// <summary>The data-protection keys, each sealed inside its XML by <see cref="MasterKeyXmlEncryptor"/>.</summary>
public sealed class DataProtectionKeysAtRest : SecretsAtRest
{
    private static readonly string DecryptorType = typeof(MasterKeyXmlDecryptor).FullName!;

    public override string Name => "data-protection keys";

    public override Task<Reencrypted> ReencryptAsync(IServiceProvider services, Action? moved, CancellationToken cancellationToken) =>
        ReencryptEachAsync(services, db => db.DataProtectionKeys.AsNoTracking().Where(k => k.Xml != null), Reseal,
            (db, key, xml, cancellation) => db.DataProtectionKeys.Where(k => k.Id == key.Id && k.Xml == key.Xml)
                .ExecuteUpdateAsync(set => set.SetProperty(k => k.Xml, xml), cancellation), moved, cancellationToken);

    /// <summary>The key's XML with each secret in it sealed anew, or null when the current master key opens them all.</summary>
    private static string? Reseal(SecretProtector protector, DataProtectionKey key)
    {
        var xml = XElement.Parse(key.Xml!);
        var resealedAny = false;
        foreach (var sealedKey in xml.Descendants().Where(e => e.Name.LocalName == "encryptedSecret"
            && ((string?)e.Attribute("decryptorType"))?.StartsWith(DecryptorType + ",", StringComparison.Ordinal) == true).Elements("encryptedKey"))
        {
            if (protector.Reprotect(Convert.FromBase64String(sealedKey.Value), MasterKeyXmlEncryptor.Purpose) is { } resealed)
            {
                sealedKey.Value = Convert.ToBase64String(resealed);
                resealedAny = true;
            }
        }
        return resealedAny ? xml.ToString(SaveOptions.DisableFormatting) : null;
    }
}
