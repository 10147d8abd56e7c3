using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Cipherpad.DemoWallet;

/// <summary>
/// The wallet's signing key, which the wallet does not keep: its owner keeps it in Cipherpad's key vault, and the wallet
/// asks Cipherpad for it each time it signs, through a question the owner answers on the cipher pad
/// (docs/api.md, key vault API). The wallet keeps only the public key, to check that what comes back is this wallet's key.
/// </summary>
public static class WalletKey
{
    /// <summary>The name the owner stores the key under in the key vault.</summary>
    public const string VaultItem = "demo-wallet.key";

    /// <summary>A new ECDSA P-256 key: the private key as PEM for the owner to store, and the public key for the wallet to keep.</summary>
    public static (string PrivateKeyPem, string PublicKey) Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return (key.ExportPkcs8PrivateKeyPem(), Convert.ToBase64String(key.ExportSubjectPublicKeyInfo()));
    }

    /// <summary>A short fingerprint of a public key, for the owner to recognise it.</summary>
    public static string Fingerprint(string publicKey) =>
        Convert.ToHexStringLower(SHA256.HashData(Convert.FromBase64String(publicKey)))[..16];

    /// <summary>
    /// Signs <paramref name="statement"/> with the key file the vault released, after checking it is the key whose public
    /// half the wallet kept; returns the signature, or why it cannot sign. The key's bytes are erased either way.
    /// </summary>
    public static (string? Signature, string? Problem) Sign(byte[] keyFile, string publicKey, string statement)
    {
        ArgumentNullException.ThrowIfNull(keyFile);
        try
        {
            using var key = ECDsa.Create();
            try
            {
                key.ImportFromPem(Encoding.UTF8.GetString(keyFile));
            }
            catch (Exception e) when (e is ArgumentException or CryptographicException)
            {
                return (null, $"The key file \"{VaultItem}\" from Cipherpad is not a private key.");
            }
            if (!CryptographicOperations.FixedTimeEquals(key.ExportSubjectPublicKeyInfo(), Convert.FromBase64String(publicKey)))
            {
                return (null, $"The key file \"{VaultItem}\" from Cipherpad is not this wallet's key (its fingerprint is {Fingerprint(publicKey)}).");
            }
            var signature = key.SignData(Encoding.UTF8.GetBytes(statement), HashAlgorithmName.SHA256);
            return (Convert.ToBase64String(signature), null);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keyFile);
        }
    }

    /// <summary>Whether <paramref name="signature"/> is the wallet key's signature of <paramref name="statement"/>.</summary>
    public static bool Verify(string publicKey, string statement, string signature)
    {
        using var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(Convert.FromBase64String(publicKey), out _);
        return key.VerifyData(Encoding.UTF8.GetBytes(statement), Convert.FromBase64String(signature), HashAlgorithmName.SHA256);
    }

    public static string Statement(Wallet wallet, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        return string.Create(CultureInfo.InvariantCulture,
            $"Demo Wallet statement: {wallet.Email} held {wallet.BalanceCents / 100m:F2} USD at {now.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC.");
    }
}

/// <summary>A release Cipherpad asked its user to confirm: the question to show, and where its QR code is.</summary>
public sealed record VaultRelease(Guid ReleaseId, string Question, string Description, string? QrImage);

/// <summary>
/// The relying-party half of Cipherpad's key vault API, authenticated as the wallet (HTTP Basic, its client id and
/// secret): ask for an item of a user, send the answer the user typed, fetch the item with the ticket that answer gave.
/// </summary>
public sealed class CipherpadVault(HttpClient http)
{
    public static void Configure(HttpClient http, IConfiguration cipherpad)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(cipherpad);
        http.BaseAddress = new Uri(cipherpad["Authority"]!.TrimEnd('/') + "/");
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{cipherpad["ClientId"]}:{cipherpad["ClientSecret"]}")));
    }

    /// <summary>Asks Cipherpad for the user's item; null when the user has no such item, or does not let sites ask for it.</summary>
    public async Task<VaultRelease?> AskAsync(string login, string name, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("api/v1/vault/releases", new { login, name }, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<VaultRelease>(cancellationToken);
    }

    public async Task<HttpResponseMessage> QrImageAsync(string path, CancellationToken cancellationToken) =>
        await http.GetAsync(path.TrimStart('/'), cancellationToken);

    /// <summary>
    /// Sends the answer the user typed; for the right one, fetches the item its ticket releases. Otherwise the content is
    /// null and says how many attempts are left (0: the release is over).
    /// </summary>
    public async Task<(byte[]? Content, int AttemptsLeft)> AnswerAsync(Guid releaseId, string answer, CancellationToken cancellationToken)
    {
        using var answered = await http.PostAsJsonAsync($"api/v1/vault/releases/{releaseId}/answer", new { answer }, cancellationToken);
        if (answered.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound)
        {
            using var problem = JsonDocument.Parse(await answered.Content.ReadAsStringAsync(cancellationToken));
            return (null, problem.RootElement.TryGetProperty("attemptsLeft", out var left) && left.TryGetInt32(out var attempts) ? attempts : 0);
        }
        await EnsureSuccessAsync(answered, cancellationToken);
        var ticket = (await answered.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("ticket").GetString();
        using var fetched = await http.PostAsJsonAsync("api/v1/vault/tickets", new { ticket }, cancellationToken);
        await EnsureSuccessAsync(fetched, cancellationToken);
        var content = (await fetched.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("content").GetString()!;
        return (System.Buffers.Text.Base64Url.DecodeFromChars(content), 0);
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException(
                $"Cipherpad answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}", null, response.StatusCode);
        }
    }
}
