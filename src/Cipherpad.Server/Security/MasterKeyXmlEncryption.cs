using System.Xml.Linq;
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
