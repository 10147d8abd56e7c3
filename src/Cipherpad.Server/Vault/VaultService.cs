using System.Security.Cryptography;
using System.Text;
using Cipherpad.Core.Answers;
using Cipherpad.Server.AuthorizationLog;
using Cipherpad.Server.Challenges;
using Cipherpad.Server.Localization;
using Cipherpad.Server.Notifications;
using Cipherpad.Server.Problems;
using Cipherpad.Server.RelyingParties;
using Cipherpad.Server.Security;
using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.Vault;

public sealed record VaultVersionSummary(int Number, int Size, DateTimeOffset CreatedAt);

public sealed record VaultItemSummary(string Name, IReadOnlyList<VaultVersionSummary> Versions, bool RelyingPartiesMayAsk = false);

/// <summary>A release asked for: the question whose answer yields the ticket, and what it releases.</summary>
public sealed record ReleaseQuestion(Guid ReleaseId, Challenge Challenge, string Name, int Version);

/// <summary>What a ticket released.</summary>
public sealed record ReleasedItem(string Name, int Version, byte[] Content);

/// <summary>
/// The key vault: an account's key files, each version encrypted under its own data key, which only the master key
/// unwraps (<see cref="KeyWrapping"/>). An item is given out only through a release: a question whose description names
/// the item, asked of the account's own cipher pad; its right answer, and nothing else, yields a ticket that fetches that
/// version once within <see cref="VaultOptions.TicketLifetime"/>. Every store, release, refused release and deletion is
/// logged and mailed (<see cref="NotificationKind.Vault"/>).
/// </summary>
public sealed class VaultService(
    CipherpadDbContext db,
    KeyWrapping keys,
    ChallengeService challenges,
    RelyingPartyService relyingParties,
    AuthorizationLogWriter log,
    Accounts.AccountDirectory directory,
    Notifier notifier,
    SecretProtector protector,
    IOptions<CipherpadOptions> options,
    TimeProvider time)
{
    internal const string UploadPurpose = "vault upload";
    internal const string ExportPurpose = "vault export passphrase";

    public const string LogMethod = "vault";
    private const string DataKeyPurpose = "vault data key";

    private VaultOptions Settings => options.Value.Vault;

    /// <summary>Why <paramref name="name"/> cannot name an item, or null.</summary>
    public static Text? NameProblem(string? name) =>
        string.IsNullOrWhiteSpace(name) || name.Trim().Length > VaultItem.MaxNameLength
            ? $"An item's name is 1 to {VaultItem.MaxNameLength} characters."
            : Web.DisplayText.Problem(name.Trim(), "The item's name");

    /// <summary>Stores <paramref name="content"/> as the next version of the item <paramref name="name"/>, keeping at most <see cref="VaultOptions.MaxVersions"/>.</summary>
    public async Task<Result<VaultVersionSummary>> StoreAsync(Guid accountId, string name, byte[] content, string source, Guid? deviceId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (NameProblem(name) is { } problem)
        {
            return Errors.InvalidRequest(problem, "name");
        }
        if (content.Length == 0 || content.Length > Settings.MaxItemBytes)
        {
            return Errors.VaultItemTooLarge(Settings.MaxItemBytes);
        }
        name = name.Trim();
        var now = time.GetUtcNow();
        await using var transaction = await db.BeginOrJoinTransactionAsync(cancellationToken);
        await db.LockAccountAsync(accountId, cancellationToken);
        var item = await db.VaultItems.SingleOrDefaultAsync(i => i.AccountId == accountId && i.Name == name, cancellationToken);
        if (item is null)
        {
            if (await db.VaultItems.CountAsync(i => i.AccountId == accountId, cancellationToken) >= Settings.MaxItems)
            {
                return Errors.VaultFull(Settings.MaxItems);
            }
            item = new VaultItem { AccountId = accountId, Name = name, CreatedAt = now };
            db.VaultItems.Add(item);
        }
        var versions = await db.VaultItemVersions.Where(v => v.ItemId == item.Id).OrderBy(v => v.Number).ToListAsync(cancellationToken);
        var version = Seal(item.Id, (versions.LastOrDefault()?.Number ?? 0) + 1, content, now);
        db.VaultItemVersions.Add(version);
        // The oldest versions beyond the limit go, and with them their data keys.
        db.VaultItemVersions.RemoveRange(versions.Take(Math.Max(0, versions.Count + 1 - Settings.MaxVersions)));
        log.Add(accountId, "success", LogMethod, "vault-store", null, source, deviceId, detail: $"\"{Web.DisplayText.Shown(name)}\" version {version.Number}");
        await notifier.NotifyAsync(accountId, NotificationKind.Vault, $"Version {version.Number} of the key file \"{name}\" was stored in your key vault.",
            $"from {source}", cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new VaultVersionSummary(version.Number, version.Size, version.CreatedAt);
    }

    /// <summary>
    /// Keeps a file uploaded on the personal account's page, encrypted, until the cipher pad confirms storing it
    /// (<see cref="StoreUploadAsync"/>); returns its id, or why it cannot be stored.
    /// </summary>
    public async Task<Result<Guid>> StageUploadAsync(Guid accountId, string? name, byte[] content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (NameProblem(name) is { } problem)
        {
            return Errors.InvalidRequest(problem, "name");
        }
        if (content.Length == 0 || content.Length > Settings.MaxItemBytes)
        {
            return Errors.VaultItemTooLarge(Settings.MaxItemBytes);
        }
        var upload = new VaultUpload { AccountId = accountId, Name = name!.Trim(), ContentProtected = [], CreatedAt = time.GetUtcNow() };
        upload.ContentProtected = protector.Protect(content, $"{UploadPurpose}:{upload.Id}");
        db.VaultUploads.Add(upload);
        await db.SaveChangesAsync(cancellationToken);
        return upload.Id;
    }

    /// <summary>Stores a staged upload of the account, once its cipher pad confirmed it, and forgets the upload.</summary>
    public async Task StoreUploadAsync(Guid accountId, Guid uploadId, string source, CancellationToken cancellationToken)
    {
        var upload = await db.VaultUploads.SingleOrDefaultAsync(u => u.Id == uploadId && u.AccountId == accountId, cancellationToken);
        if (upload is null)
        {
            return;
        }
        var content = protector.Unprotect(upload.ContentProtected, $"{UploadPurpose}:{upload.Id}");
        try
        {
            db.VaultUploads.Remove(upload);
            await StoreAsync(accountId, upload.Name, content, source, null, cancellationToken);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(content);
        }
    }

    public async Task<List<VaultItemSummary>> ListAsync(Guid accountId, CancellationToken cancellationToken)
    {
        var items = await db.VaultItems.AsNoTracking().Where(i => i.AccountId == accountId).OrderBy(i => i.Name).ToListAsync(cancellationToken);
        var ids = items.Select(i => i.Id).ToList();
        var versions = (await db.VaultItemVersions.AsNoTracking().Where(v => ids.Contains(v.ItemId))
            .Select(v => new { v.ItemId, v.Number, v.Size, v.CreatedAt }).ToListAsync(cancellationToken)).ToLookup(v => v.ItemId);
        return [.. items.Select(i => new VaultItemSummary(i.Name,
            [.. versions[i.Id].OrderByDescending(v => v.Number).Select(v => new VaultVersionSummary(v.Number, v.Size, v.CreatedAt))], i.RelyingPartiesMayAsk))];
    }

    /// <summary>
    /// Asks the account's cipher pad to release <paramref name="name"/> (its newest version, or <paramref name="version"/>):
    /// an action question whose description names the item, which the pad shows verified.
    /// </summary>
    public Task<Result<ReleaseQuestion>> AskReleaseAsync(Guid accountId, string name, int? version, string requester,
        CancellationToken cancellationToken) =>
        AskAsync(accountId, name, version, requester, null, cancellationToken);

    /// <summary>
    /// A relying party asks for an item of the account with <paramref name="login"/>: only an item whose owner lets
    /// relying parties ask, and then through a question that names the item and the relying party, asked for that
    /// relying party, which alone can answer it. Any other case is told the item is unknown, so nothing is learnt.
    /// </summary>
    public async Task<Result<ReleaseQuestion>> AskReleaseForAsync(RelyingParty party, string? login, string? name, int? version,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(party);
        if (string.IsNullOrWhiteSpace(name) || string.IsNullOrWhiteSpace(login) || await directory.FindAsync(login, cancellationToken) is not { } account)
        {
            return Errors.UnknownVaultItem(name ?? "");
        }
        return await AskAsync(account.Id, name, version, $"rp {party.ClientId}", party, cancellationToken);
    }

    /// <summary>Whether relying parties may ask for the account's item <paramref name="name"/> (an account change, confirmed by the cipher pad).</summary>
    public Task<int> LetRelyingPartiesAskAsync(Guid accountId, string name, bool mayAsk, CancellationToken cancellationToken) =>
        db.VaultItems.Where(i => i.AccountId == accountId && i.Name == name).ExecuteUpdateAsync(i => i.SetProperty(x => x.RelyingPartiesMayAsk, mayAsk), cancellationToken);

    private async Task<Result<ReleaseQuestion>> AskAsync(Guid accountId, string name, int? version, string requester, RelyingParty? party,
        CancellationToken cancellationToken)
    {
        var found = await FindVersionAsync(accountId, name, version, cancellationToken);
        if (found is not { } item || (party is not null && !item.RelyingPartiesMayAsk))
        {
            return Errors.UnknownVaultItem(name);
        }
        var email = await db.Accounts.Where(a => a.Id == accountId).Select(a => a.Email).SingleAsync(cancellationToken);
        // The question and its release commit together: a request run again after a transient error issues one question, not two.
        await using var transaction = await db.BeginOrJoinTransactionAsync(cancellationToken);
        var issued = await challenges.CreateAsync(party ?? await relyingParties.BuiltInAsync(cancellationToken), email, Purpose.Action, party is null
            ? $"Release the key file \"{item.Name}\", version {item.Number}"
            : $"Release the key file \"{item.Name}\", version {item.Number}, to {party.Name}", null, cancellationToken: cancellationToken);
        if (!issued.Succeeded)
        {
            return issued.Error!;
        }
        var release = new VaultRelease
        {
            AccountId = accountId,
            VersionId = item.VersionId,
            ChallengeId = issued.Value.Id,
            Requester = requester,
            RelyingPartyId = party?.Id,
            CreatedAt = time.GetUtcNow(),
        };
        db.VaultReleases.Add(release);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ReleaseQuestion(release.Id, issued.Value, item.Name, item.Number);
    }

    /// <summary>
    /// Checks the answer to a release's question; the right one, once, yields the ticket. A wrong answer counts against
    /// the question like any other, and a refused release is logged and mailed.
    /// </summary>
    public async Task<Result<(string Ticket, DateTimeOffset ExpiresAt)>> AnswerReleaseAsync(Guid accountId, Guid releaseId, string answer, string source,
        Guid? deviceId, CancellationToken cancellationToken) =>
        await AnswerAsync(await db.VaultReleases.AsNoTracking()
                .SingleOrDefaultAsync(r => r.Id == releaseId && r.AccountId == accountId && r.RelyingPartyId == null, cancellationToken),
            await relyingParties.BuiltInAsync(cancellationToken), answer, source, deviceId, cancellationToken);

    /// <summary>A relying party answers the release it asked for, with the answer its user typed.</summary>
    public async Task<Result<(string Ticket, DateTimeOffset ExpiresAt)>> AnswerReleaseForAsync(RelyingParty party, Guid releaseId, string answer, string source,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(party);
        return await AnswerAsync(await db.VaultReleases.AsNoTracking()
                .SingleOrDefaultAsync(r => r.Id == releaseId && r.RelyingPartyId == party.Id, cancellationToken),
            party, answer, $"{source} ({party.Name})", null, cancellationToken);
    }

    private async Task<Result<(string Ticket, DateTimeOffset ExpiresAt)>> AnswerAsync(VaultRelease? release, RelyingParty party, string answer, string source,
        Guid? deviceId, CancellationToken cancellationToken)
    {
        var challenge = release is null ? null : await challenges.FindAsync(party.Id, release.ChallengeId, cancellationToken);
        if (release is null || challenge is null || release.TicketHash is not null)
        {
            return Errors.UnknownVaultRelease();
        }
        var accountId = release.AccountId;
        var releaseId = release.Id;
        var name = await (from v in db.VaultItemVersions join i in db.VaultItems on v.ItemId equals i.Id where v.Id == release.VersionId
                          select i.Name + " " + v.Number).SingleOrDefaultAsync(cancellationToken) ?? "";
        await using var transaction = await db.BeginOrJoinTransactionAsync(cancellationToken);
        var outcome = await challenges.VerifyAsync(party, challenge, answer, source, cancellationToken);
        if (outcome.Result != VerifyResult.Success)
        {
            log.Add(accountId, ChallengeService.ResultName(outcome.Result), LogMethod, "vault-release", null, source, deviceId, challenge.Id,
                $"refused: \"{Web.DisplayText.Shown(name)}\"");
            await notifier.NotifyAsync(accountId, NotificationKind.Vault, $"A release of the key file \"{name}\" from your key vault was refused: the answer was not right.",
                $"from {source}", cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return Errors.VaultReleaseRefused(outcome.Result, outcome.AttemptsLeft);
        }
        var ticket = Hashing.NewToken();
        var expiresAt = time.GetUtcNow() + Settings.TicketLifetime;
        var hash = Hashing.TokenHash(ticket);
        var issued = await db.VaultReleases.Where(r => r.Id == releaseId && r.TicketHash == null)
            .ExecuteUpdateAsync(r => r.SetProperty(x => x.TicketHash, hash).SetProperty(x => x.ExpiresAt, expiresAt), cancellationToken);
        if (issued != 1)
        {
            return Errors.UnknownVaultRelease();
        }
        await transaction.CommitAsync(cancellationToken);
        return (ticket, expiresAt);
    }

    /// <summary>Fetches what a ticket releases, once: the ticket is claimed before anything is decrypted.</summary>
    public async Task<Result<ReleasedItem>> FetchAsync(string? ticket, string source, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(ticket) || ticket.Length > 100)
        {
            return Errors.VaultTicketNotValid();
        }
        var hash = Hashing.TokenHash(ticket);
        var now = time.GetUtcNow();
        var claimed = await db.VaultReleases.Where(r => r.TicketHash == hash && r.UsedAt == null && r.ExpiresAt > now)
            .ExecuteUpdateAsync(r => r.SetProperty(x => x.UsedAt, now), cancellationToken);
        if (claimed != 1)
        {
            return Errors.VaultTicketNotValid();
        }
        var found = await (from r in db.VaultReleases
                           join v in db.VaultItemVersions on r.VersionId equals v.Id
                           join i in db.VaultItems on v.ItemId equals i.Id
                           where r.TicketHash == hash
                           select new { r.AccountId, r.ChallengeId, Item = i, Version = v }).AsNoTracking().SingleOrDefaultAsync(cancellationToken);
        if (found is null)
        {
            return Errors.VaultTicketNotValid();
        }
        var shown = $"\"{Web.DisplayText.Shown(found.Item.Name)}\" version {found.Version.Number}";
        byte[] content;
        try
        {
            content = Open(keys, found.Version);
        }
        catch (CryptographicException)
        {
            log.Add(found.AccountId, "unreadable", LogMethod, "vault-release", null, source, challengeId: found.ChallengeId, detail: shown);
            await db.SaveChangesAsync(cancellationToken);
            return Errors.VaultItemUnreadable(found.Item.Name);
        }
        log.Add(found.AccountId, "success", LogMethod, "vault-release", null, source, challengeId: found.ChallengeId, detail: shown);
        await notifier.NotifyAsync(found.AccountId, NotificationKind.Vault,
            $"Version {found.Version.Number} of the key file \"{found.Item.Name}\" was released from your key vault.", $"to {source}", cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return new ReleasedItem(found.Item.Name, found.Version.Number, content);
    }

    /// <summary>
    /// Asks the account's cipher pad to confirm an export of every item, to be encrypted under <paramref name="passphrase"/>
    /// (kept encrypted until the answer); the request's id and its question.
    /// </summary>
    public async Task<Result<(Guid ExportId, Challenge Challenge)>> AskExportAsync(Guid accountId, string? passphrase, CancellationToken cancellationToken)
    {
        if (Core.Vault.VaultExport.PassphraseProblem(passphrase) is { } weak)
        {
            return Errors.InvalidRequest(weak, "passphrase");
        }
        var count = await db.VaultItems.CountAsync(i => i.AccountId == accountId, cancellationToken);
        if (count == 0)
        {
            return Errors.InvalidRequest("The key vault is empty: there is nothing to export.");
        }
        var email = await db.Accounts.Where(a => a.Id == accountId).Select(a => a.Email).SingleAsync(cancellationToken);
        // The question and its export request commit together, or neither does.
        await using var transaction = await db.BeginOrJoinTransactionAsync(cancellationToken);
        var issued = await challenges.CreateAsync(await relyingParties.BuiltInAsync(cancellationToken), email, Purpose.Action,
            $"Export every key file of your key vault ({count} items)", null, cancellationToken: cancellationToken);
        if (!issued.Succeeded)
        {
            return issued.Error!;
        }
        var request = new VaultExportRequest { AccountId = accountId, ChallengeId = issued.Value.Id, CreatedAt = time.GetUtcNow() };
        request.PassphraseProtected = protector.Protect(Encoding.UTF8.GetBytes(passphrase!), $"{ExportPurpose}:{request.Id}");
        db.VaultExportRequests.Add(request);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (request.Id, issued.Value);
    }

    /// <summary>The question of an export request of the account that is still waiting, or null.</summary>
    public async Task<Challenge?> ExportQuestionAsync(Guid accountId, Guid exportId, CancellationToken cancellationToken)
    {
        var request = await db.VaultExportRequests.AsNoTracking().SingleOrDefaultAsync(e => e.Id == exportId && e.AccountId == accountId && e.UsedAt == null,
            cancellationToken);
        return request is null ? null : await challenges.FindAsync((await relyingParties.BuiltInAsync(cancellationToken)).Id, request.ChallengeId, cancellationToken);
    }

    /// <summary>
    /// Checks the answer to an export's question; the right one, once, gives the export file (docs/protocol.md §9) of
    /// every version of every item, and forgets the passphrase.
    /// </summary>
    public async Task<Result<byte[]>> AnswerExportAsync(Guid accountId, Guid exportId, string answer, string source, CancellationToken cancellationToken)
    {
        var request = await db.VaultExportRequests.AsNoTracking().SingleOrDefaultAsync(e => e.Id == exportId && e.AccountId == accountId && e.UsedAt == null,
            cancellationToken);
        var party = await relyingParties.BuiltInAsync(cancellationToken);
        var challenge = request is null ? null : await challenges.FindAsync(party.Id, request.ChallengeId, cancellationToken);
        if (request?.PassphraseProtected is null || challenge is null)
        {
            return Errors.UnknownVaultRelease();
        }
        await using var transaction = await db.BeginOrJoinTransactionAsync(cancellationToken);
        var outcome = await challenges.VerifyAsync(party, challenge, answer, source, cancellationToken);
        if (outcome.Result != VerifyResult.Success)
        {
            log.Add(accountId, ChallengeService.ResultName(outcome.Result), LogMethod, "vault-export", null, source, challengeId: challenge.Id, detail: "refused");
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return Errors.VaultReleaseRefused(outcome.Result, outcome.AttemptsLeft);
        }
        var now = time.GetUtcNow();
        var claimed = await db.VaultExportRequests.Where(e => e.Id == exportId && e.UsedAt == null)
            .ExecuteUpdateAsync(e => e.SetProperty(x => x.UsedAt, now).SetProperty(x => x.PassphraseProtected, (byte[]?)null), cancellationToken);
        if (claimed != 1)
        {
            return Errors.UnknownVaultRelease();
        }
        var passphrase = Encoding.UTF8.GetString(protector.Unprotect(request.PassphraseProtected, $"{ExportPurpose}:{request.Id}"));
        var versions = await (from v in db.VaultItemVersions join i in db.VaultItems on v.ItemId equals i.Id
                              where i.AccountId == accountId orderby i.Name, v.Number
                              select new { i.Name, Version = v }).AsNoTracking().ToListAsync(cancellationToken);
        var items = new List<Core.Vault.ExportedItem>(versions.Count);
        foreach (var row in versions)
        {
            try
            {
                items.Add(new Core.Vault.ExportedItem(row.Name, row.Version.Number, row.Version.CreatedAt, Open(keys, row.Version)));
            }
            catch (CryptographicException)
            {
                await transaction.RollbackAsync(cancellationToken);
                return Errors.VaultItemUnreadable(row.Name);
            }
        }
        var file = Core.Vault.VaultExport.Seal(items, passphrase, now);
        items.ForEach(item => CryptographicOperations.ZeroMemory(item.Content));
        log.Add(accountId, "success", LogMethod, "vault-export", null, source, challengeId: challenge.Id, detail: $"{versions.Count} version(s)");
        await notifier.NotifyAsync(accountId, NotificationKind.Vault, $"Every key file of your key vault was exported ({versions.Count} versions), encrypted under the passphrase given.",
            $"from {source}", cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return file;
    }

    /// <summary>Deletes an item, or one version of it, for good: the data keys go with the rows.</summary>
    public async Task<bool> DeleteAsync(Guid accountId, string name, int? version, string source, Guid? deviceId, CancellationToken cancellationToken)
    {
        var item = await db.VaultItems.SingleOrDefaultAsync(i => i.AccountId == accountId && i.Name == name.Trim(), cancellationToken);
        if (item is null)
        {
            return false;
        }
        await using var transaction = await db.BeginOrJoinTransactionAsync(cancellationToken);
        var versions = db.VaultItemVersions.Where(v => v.ItemId == item.Id && (version == null || v.Number == version));
        var deleted = await versions.ExecuteDeleteAsync(cancellationToken);
        if (deleted == 0)
        {
            return false;
        }
        if (!await db.VaultItemVersions.AnyAsync(v => v.ItemId == item.Id, cancellationToken))
        {
            db.VaultItems.Remove(item);
        }
        var what = version is null ? $"\"{Web.DisplayText.Shown(item.Name)}\"" : $"\"{Web.DisplayText.Shown(item.Name)}\" version {version}";
        log.Add(accountId, "success", LogMethod, "vault-delete", null, source, deviceId, detail: what);
        await notifier.NotifyAsync(accountId, NotificationKind.Vault, version is null
            ? (Text)$"The key file \"{item.Name}\" was deleted from your key vault, with every version."
            : (Text)$"Version {version} of the key file \"{item.Name}\" was deleted from your key vault.", $"from {source}", cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Re-wraps, under the current master key, every data key still wrapped by another, one row per statement: a row is
    /// either as it was or moved, so stopping at any moment loses nothing and running again goes on. Item data is not
    /// touched. Returns how many were moved and how many are left under keys that are not configured.
    /// </summary>
    public async Task<(int Moved, int Unreadable)> RewrapAsync(Action<int>? progress, CancellationToken cancellationToken)
    {
        var moved = 0;
        var unreadable = new HashSet<Guid>();
        while (true)
        {
            var batch = await db.VaultItemVersions.AsNoTracking().Where(v => v.DataKeyId != keys.CurrentKeyId && !unreadable.Contains(v.Id))
                .OrderBy(v => v.Id).Take(100).Select(v => new { v.Id, v.DataKeyId, v.WrappedDataKey }).ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                return (moved, unreadable.Count);
            }
            foreach (var row in batch)
            {
                WrappedKey rewrapped;
                try
                {
                    rewrapped = keys.Rewrap(new WrappedKey(row.DataKeyId, row.WrappedDataKey), DataKeyPurpose + ":" + row.Id);
                }
                catch (CryptographicException)
                {
                    unreadable.Add(row.Id);
                    continue;
                }
                moved += await db.VaultItemVersions.Where(v => v.Id == row.Id && v.DataKeyId == row.DataKeyId)
                    .ExecuteUpdateAsync(v => v.SetProperty(x => x.DataKeyId, rewrapped.KeyId).SetProperty(x => x.WrappedDataKey, rewrapped.Data), cancellationToken);
                progress?.Invoke(moved);
            }
        }
    }

    private VaultItemVersion Seal(Guid itemId, int number, byte[] content, DateTimeOffset now)
    {
        var version = new VaultItemVersion { ItemId = itemId, Number = number, CreatedAt = now, Size = content.Length, Content = [], DataKeyId = "", WrappedDataKey = [] };
        var dataKey = RandomNumberGenerator.GetBytes(32);
        try
        {
            version.Content = AesGcmSealing.Seal(dataKey, content, Encoding.ASCII.GetBytes(version.Id.ToString()));
            var wrapped = keys.Wrap(dataKey, DataKeyPurpose + ":" + version.Id);
            version.DataKeyId = wrapped.KeyId;
            version.WrappedDataKey = wrapped.Data;
            return version;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    /// <summary>The content of <paramref name="version"/>, its data key unwrapped by <paramref name="keys"/>.</summary>
    /// <exception cref="CryptographicException">The content or its wrapped key was altered, or its master key is not configured.</exception>
    public static byte[] Open(KeyWrapping keys, VaultItemVersion version)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(version);
        var dataKey = keys.Unwrap(new WrappedKey(version.DataKeyId, version.WrappedDataKey), DataKeyPurpose + ":" + version.Id);
        try
        {
            return AesGcmSealing.Open(dataKey, version.Content, Encoding.ASCII.GetBytes(version.Id.ToString()));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    private async Task<(string Name, int Number, Guid VersionId, bool RelyingPartiesMayAsk)?> FindVersionAsync(Guid accountId, string name, int? version,
        CancellationToken cancellationToken)
    {
        var trimmed = name.Trim();
        var found = await (from i in db.VaultItems
                           join v in db.VaultItemVersions on i.Id equals v.ItemId
                           where i.AccountId == accountId && i.Name == trimmed && (version == null || v.Number == version)
                           orderby v.Number descending
                           select new { i.Name, v.Number, v.Id, i.RelyingPartiesMayAsk }).AsNoTracking().FirstOrDefaultAsync(cancellationToken);
        return found is null ? null : (found.Name, found.Number, found.Id, found.RelyingPartiesMayAsk);
    }
}
