using Cipherpad.Core.Answers;
using Cipherpad.Server.Security;
using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Cipherpad.Server.Devices;

/// <summary>
/// The account's cipher pads: which are active, their keys, and revocation. A revoked pad's answers fail from the
/// moment the revocation commits, because every check reads the active pads afresh.
/// </summary>
public sealed class DeviceRegistry(CipherpadDbContext db, SecretProtector protector)
{
    public const string DeviceSecretPurpose = "device-secret";

    /// <summary>The active pads, oldest first (the order the request payload seals for).</summary>
    public async Task<List<Device>> ActiveAsync(Guid accountId, CancellationToken cancellationToken)
    {
        var active = await db.ListAsync<Device>(ActiveSql, new { accountId }, cancellationToken);
        // Sorted here: an account has a few pads, and SQLite would sort them with a sorter it sets up and tears down each time.
        active.Sort(static (one, other) => one.ActivatedAt != other.ActivatedAt ? one.ActivatedAt.CompareTo(other.ActivatedAt) : one.Id.CompareTo(other.Id));
        return active;
    }

    /// <summary><see cref="ActiveAsync"/>'s read, to send ahead.</summary>
    public static ReadAhead ActiveRead(Guid accountId) => ReadAhead.List<Device>(ActiveSql, new { accountId });

    private const string ActiveSql = """SELECT * FROM "Devices" WHERE "AccountId" = @accountId AND "RevokedAt" IS NULL""";

    /// <summary>Every pad the account ever activated, revoked ones included, oldest first.</summary>
    public Task<List<Device>> AllAsync(Guid accountId, CancellationToken cancellationToken) =>
        db.Devices.AsNoTracking().Where(d => d.AccountId == accountId).OrderBy(d => d.ActivatedAt).ToListAsync(cancellationToken);

    /// <summary>
    /// The name of every pad the account ever activated, by the pad's id, as a person is shown it: a control or direction
    /// character a name was stored with before names were checked is written as its code (<see cref="Web.DisplayText.Shown"/>).
    /// </summary>
    public Task<Dictionary<Guid, string>> NamesAsync(Guid accountId, CancellationToken cancellationToken) =>
        db.Devices.AsNoTracking().Where(d => d.AccountId == accountId)
            .ToDictionaryAsync(d => d.Id, d => Web.DisplayText.Shown(d.Name), cancellationToken);

    /// <summary>The active pad <paramref name="deviceId"/> of whichever account, for the pad's own signed requests.</summary>
    public Task<Device?> FindActiveAsync(Guid deviceId, CancellationToken cancellationToken) =>
        db.Devices.AsNoTracking().SingleOrDefaultAsync(d => d.Id == deviceId && d.RevokedAt == null, cancellationToken);

    public Task<Device?> FindActiveAsync(Guid accountId, Guid deviceId, CancellationToken cancellationToken) =>
        db.Devices.AsNoTracking().SingleOrDefaultAsync(d => d.Id == deviceId && d.AccountId == accountId && d.RevokedAt == null, cancellationToken);

    public Task<int> RevokeAsync(Guid accountId, Guid deviceId, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.Devices.Where(d => d.Id == deviceId && d.AccountId == accountId && d.RevokedAt == null)
            .ExecuteUpdateAsync(d => d.SetProperty(x => x.RevokedAt, now), cancellationToken);

    public Task<int> RevokeAllAsync(Guid accountId, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.Devices.Where(d => d.AccountId == accountId && d.RevokedAt == null)
            .ExecuteUpdateAsync(d => d.SetProperty(x => x.RevokedAt, now), cancellationToken);

    public Task<int> RenameAsync(Guid accountId, Guid deviceId, string name, CancellationToken cancellationToken) =>
        db.Devices.Where(d => d.Id == deviceId && d.AccountId == accountId)
            .ExecuteUpdateAsync(d => d.SetProperty(x => x.Name, name), cancellationToken);

    /// <summary>
    /// Records that the pad answered now, to the minute: within a minute of the last time recorded, nothing is written, so
    /// a pad in constant use costs one write a minute rather than one per answer.
    /// </summary>
    public Task<int> TouchAsync(Guid deviceId, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.ExecuteAsync("""UPDATE "Devices" SET "LastUsedAt" = @now WHERE "Id" = @deviceId AND ("LastUsedAt" IS NULL OR "LastUsedAt" <= @recorded)""",
            new { deviceId, now, recorded = now - LastUsedPrecision }, cancellationToken);

    /// <summary>How exactly <see cref="Device.LastUsedAt"/> follows the pad's answers.</summary>
    public static readonly TimeSpan LastUsedPrecision = TimeSpan.FromMinutes(1);

    /// <summary>Encrypts a new pad's secret under the master key, bound to the device's id.</summary>
    public byte[] ProtectSecret(Guid deviceId, ReadOnlySpan<byte> secret) => protector.Protect(secret, $"{DeviceSecretPurpose}:{deviceId}");

    /// <summary>The pad's per-purpose keys; the decrypted secret is wiped as soon as they are prepared (each is derived when first used).</summary>
    public DeviceKeys Keys(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        var secret = protector.Unprotect(device.SecretProtected, $"{DeviceSecretPurpose}:{device.Id}");
        try
        {
            return new DeviceKeys(secret);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(secret);
        }
    }
}
