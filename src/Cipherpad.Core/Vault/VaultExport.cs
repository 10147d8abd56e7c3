using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cipherpad.Core.Vault;

/// <summary>One key file in an export.</summary>
/// <param name="Name">The item's name.</param>
/// <param name="Version">The version's number.</param>
/// <param name="CreatedAt">When the version was stored.</param>
/// <param name="Content">The file's bytes.</param>
public sealed record ExportedItem(string Name, int Version, DateTimeOffset CreatedAt, byte[] Content);

/// <summary>
/// The key vault's export file (docs/protocol.md §9): every item encrypted under a passphrase the owner chose, so that
/// leaving the service never traps their keys, and readable offline by the command-line pad.
/// A JSON object: <c>format</c> "cipherpad-vault-export", <c>version</c> 1, <c>kdf</c> { <c>algorithm</c>
/// "PBKDF2-HMAC-SHA256", <c>iterations</c>, <c>salt</c> (16 bytes, base64url) }, <c>cipher</c> "AES-256-GCM",
/// <c>nonce</c> (12 bytes), <c>ciphertext</c> (the sealed JSON then the 16-byte tag, base64url), <c>exportedAt</c>;
/// the key is PBKDF2 of the passphrase's UTF-8, and the associated data is the ASCII text <c>cipherpad-vault-export:1</c>.
/// The sealed JSON is { <c>items</c>: [ { <c>name</c>, <c>version</c>, <c>createdAt</c>, <c>content</c> (base64url) } ] }.
/// </summary>
public static class VaultExport
{
    /// <summary>The file's <c>format</c>.</summary>
    public const string Format = "cipherpad-vault-export";

    /// <summary>PBKDF2's iterations for a new export.</summary>
    public const int DefaultIterations = 600_000;

    /// <summary>The fewest iterations written or read.</summary>
    public const int MinimumIterations = 100_000;

    /// <summary>The shortest passphrase accepted for a new export.</summary>
    public const int MinimumPassphraseLength = 10;

    private const int FormatVersion = 1;
    private const string Kdf = "PBKDF2-HMAC-SHA256";
    private const string Cipher = "AES-256-GCM";
    private const int TagSize = 16;
    private static readonly byte[] AssociatedData = Encoding.ASCII.GetBytes($"{Format}:{FormatVersion}");

    /// <summary>Why <paramref name="passphrase"/> cannot protect an export, or null.</summary>
    public static string? PassphraseProblem(string? passphrase) =>
        passphrase is null || passphrase.Trim().Length < MinimumPassphraseLength
            ? $"Choose a passphrase of at least {MinimumPassphraseLength} characters: the export is only as safe as it."
            : null;

    /// <summary>The export file of <paramref name="items"/> under <paramref name="passphrase"/>, as UTF-8 JSON.</summary>
    public static byte[] Seal(IReadOnlyList<ExportedItem> items, string passphrase, DateTimeOffset exportedAt, int iterations = DefaultIterations)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(passphrase);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, MinimumIterations);
        var plaintext = JsonSerializer.SerializeToUtf8Bytes(new SealedItems([.. items.Select(i =>
            new SealedItem(i.Name, i.Version, i.CreatedAt, Base64Url.EncodeToString(i.Content)))]), VaultExportJson.Default.SealedItems);
        var salt = RandomNumberGenerator.GetBytes(16);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var key = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(passphrase), salt, iterations, HashAlgorithmName.SHA256, 32);
        var sealedBytes = new byte[plaintext.Length + TagSize];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(0, plaintext.Length), sealedBytes.AsSpan(plaintext.Length), AssociatedData);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(plaintext);
        }
        return JsonSerializer.SerializeToUtf8Bytes(new ExportFile(Format, FormatVersion, new KdfParameters(Kdf, iterations, Base64Url.EncodeToString(salt)),
            Cipher, Base64Url.EncodeToString(nonce), Base64Url.EncodeToString(sealedBytes), exportedAt), VaultExportJson.Default.ExportFile);
    }

    /// <summary>The items of an export file.</summary>
    /// <exception cref="FormatException">Not an export file this version reads.</exception>
    /// <exception cref="CryptographicException">The passphrase is wrong, or the file was altered.</exception>
    public static IReadOnlyList<ExportedItem> Open(ReadOnlySpan<byte> file, string passphrase)
    {
        ArgumentNullException.ThrowIfNull(passphrase);
        ExportFile? export;
        try
        {
            export = JsonSerializer.Deserialize(file, VaultExportJson.Default.ExportFile);
        }
        catch (JsonException exception)
        {
            throw new FormatException("This is not a Cipherpad key vault export (it is not JSON).", exception);
        }
        if (export is not { Format: Format, Version: FormatVersion, Kdf: { Algorithm: Kdf, Salt: { } salt } kdf, Cipher: Cipher, Nonce: { } nonce, Ciphertext: { } ciphertext }
            || kdf.Iterations < MinimumIterations || kdf.Iterations > 10_000_000)
        {
            throw new FormatException($"This is not a Cipherpad key vault export of version {FormatVersion}.");
        }
        var sealedBytes = Base64Url.DecodeFromChars(ciphertext);
        if (sealedBytes.Length < TagSize)
        {
            throw new FormatException("The export's ciphertext is cut short.");
        }
        var key = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(passphrase), Base64Url.DecodeFromChars(salt), kdf.Iterations, HashAlgorithmName.SHA256, 32);
        var plaintext = new byte[sealedBytes.Length - TagSize];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(Base64Url.DecodeFromChars(nonce), sealedBytes.AsSpan(0, plaintext.Length), sealedBytes.AsSpan(plaintext.Length), plaintext, AssociatedData);
            var items = JsonSerializer.Deserialize(plaintext, VaultExportJson.Default.SealedItems)?.Items
                ?? throw new FormatException("The export holds no item list.");
            return [.. items.Select(i => new ExportedItem(i.Name, i.Version, i.CreatedAt, Base64Url.DecodeFromChars(i.Content)))];
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

}

internal sealed record ExportFile(string? Format, int Version, KdfParameters? Kdf, string? Cipher, string? Nonce, string? Ciphertext, DateTimeOffset ExportedAt);

internal sealed record KdfParameters(string? Algorithm, int Iterations, string? Salt);

internal sealed record SealedItems(IReadOnlyList<SealedItem> Items);

internal sealed record SealedItem(string Name, int Version, DateTimeOffset CreatedAt, [property: JsonRequired] string Content);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(ExportFile))]
[JsonSerializable(typeof(SealedItems))]
internal sealed partial class VaultExportJson : JsonSerializerContext;
