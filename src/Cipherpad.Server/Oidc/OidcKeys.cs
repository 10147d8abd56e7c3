using System.Security.Cryptography;
using Cipherpad.Server.Security;
using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Cipherpad.Server.Oidc;

/// <summary>The keys one server process signs and encrypts with: the current key of each use first, then the ones still retiring.</summary>
public sealed record OidcKeySet(IReadOnlyList<SecurityKey> Signing, IReadOnlyList<SecurityKey> Encryption);

/// <summary>
/// Makes, reads and rotates the provider's keys (<see cref="OidcKey"/>). The first start makes one key of each use under
/// a name of the day, inserted with ON CONFLICT DO NOTHING, so that several instances starting together share it.
/// </summary>
public sealed class OidcKeys(IDbContextFactory<CipherpadDbContext> contexts, SecretProtector protector, IOptions<CipherpadOptions> options, TimeProvider time)
{
    private const int RsaBits = 2048;

    /// <summary>The keys in use now, making the first ones if there are none.</summary>
    public async Task<OidcKeySet> LoadAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var keys = await UsableAsync(db, cancellationToken);
        foreach (var use in Enum.GetValues<OidcKeyUse>().Where(use => !keys.Any(k => k.Use == use)))
        {
            await InsertAsync(db, New(use, $"{Prefix(use)}-{time.GetUtcNow():yyyyMMdd}"), onConflictDoNothing: true, cancellationToken);
            keys = await UsableAsync(db, cancellationToken);
        }
        return new OidcKeySet(
            [.. keys.Where(k => k.Use == OidcKeyUse.Signing).Select(SigningKey)],
            [.. keys.Where(k => k.Use == OidcKeyUse.Encryption).Select(EncryptionKey)]);
    }

    /// <summary>
    /// Makes a new key of each use, current from the next start of each server process; the keys it replaces retire once
    /// the longest-lived token they may have made has expired. Returns the new keys' ids.
    /// </summary>
    public async Task<IReadOnlyList<string>> RotateAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var retiresAt = now + options.Value.Oidc.LongestTokenLifetime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Set<OidcKey>().Where(k => k.RetiresAt == null)
            .ExecuteUpdateAsync(k => k.SetProperty(x => x.RetiresAt, retiresAt), cancellationToken);
        var made = new List<string>();
        foreach (var use in Enum.GetValues<OidcKeyUse>())
        {
            var key = New(use, $"{Prefix(use)}-{now:yyyyMMdd}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");
            await InsertAsync(db, key, onConflictDoNothing: false, cancellationToken);
            made.Add(key.Id);
        }
        await transaction.CommitAsync(cancellationToken);
        return made;
    }

    /// <summary>Every key not yet retired, newest first, as the admin command lists them.</summary>
    public async Task<List<OidcKey>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await UsableAsync(db, cancellationToken);
    }

    private async Task<List<OidcKey>> UsableAsync(CipherpadDbContext db, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var keys = await db.Set<OidcKey>().AsNoTracking().Where(k => k.RetiresAt == null || k.RetiresAt > now).ToListAsync(cancellationToken);
        // The current key (not retiring) comes first: it is the one that signs; the others only verify or decrypt.
        return [.. keys.OrderBy(k => k.RetiresAt is null ? 0 : 1).ThenByDescending(k => k.CreatedAt)];
    }

    private OidcKey New(OidcKeyUse use, string id)
    {
        byte[] secret;
        if (use == OidcKeyUse.Signing)
        {
            using var rsa = RSA.Create(RsaBits);
            secret = rsa.ExportPkcs8PrivateKey();
        }
        else
        {
            secret = RandomNumberGenerator.GetBytes(32);
        }
        try
        {
            return new OidcKey { Id = id, Use = use, KeyProtected = protector.Protect(secret, Purpose(id)), CreatedAt = time.GetUtcNow() };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    private static Task<int> InsertAsync(CipherpadDbContext db, OidcKey key, bool onConflictDoNothing, CancellationToken cancellationToken) =>
        db.ExecuteAsync(
            $"""
            INSERT INTO "OidcKeys" ("Id", "Use", "KeyProtected", "CreatedAt", "RetiresAt") VALUES (@Id, @Use, @KeyProtected, @CreatedAt, NULL)
            {(onConflictDoNothing ? "ON CONFLICT DO NOTHING" : "")}
            """, new { key.Id, Use = key.Use.ToString(), key.KeyProtected, key.CreatedAt }, cancellationToken);

    private RsaSecurityKey SigningKey(OidcKey key)
    {
        var rsa = RSA.Create();
        var pkcs8 = protector.Unprotect(key.KeyProtected, Purpose(key.Id));
        try
        {
            rsa.ImportPkcs8PrivateKey(pkcs8, out _);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
        return new RsaSecurityKey(rsa) { KeyId = key.Id };
    }

    private SymmetricSecurityKey EncryptionKey(OidcKey key) =>
        new(protector.Unprotect(key.KeyProtected, Purpose(key.Id))) { KeyId = key.Id };

    private static string Prefix(OidcKeyUse use) => use == OidcKeyUse.Signing ? "sig" : "enc";

    internal static string Purpose(string keyId) => $"oidc-key:{keyId}";
}
