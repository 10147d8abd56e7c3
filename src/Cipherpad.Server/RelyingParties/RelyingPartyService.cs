using System.Text;
using Cipherpad.Server.Problems;
using Cipherpad.Server.Security;
using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Cipherpad.Server.RelyingParties;

public sealed record RelyingPartyCredentials(string Name, string ClientId, string ClientSecret);

/// <summary>
/// The registry of relying parties. Each is also an OpenID Connect client with the same id and secret
/// (<see cref="RelyingPartyClients"/>); every change to both commits together.
/// </summary>
public sealed class RelyingPartyService(CipherpadDbContext db, RelyingPartyClients clients, SecretProtector protector, TimeProvider time)
{
    /// <summary>The relying party that stands for Cipherpad's own personal-account sign-in.</summary>
    public const string BuiltInName = "Cipherpad";

    public async Task<RelyingPartyCredentials> AddAsync(string name, CancellationToken cancellationToken = default)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length is 0 or > 64 || trimmed.Any(char.IsControl))
        {
            throw new ArgumentException("A relying-party name is 1 to 64 characters without control characters.", nameof(name));
        }
        var clientId = "rp_" + Hashing.NewToken()[..16];
        var secret = Hashing.NewToken();
        var party = new RelyingParty { Name = trimmed, ClientId = clientId, ClientSecretHash = Hashing.TokenHash(secret), CreatedAt = time.GetUtcNow() };
        await using var transaction = await db.BeginOrJoinTransactionAsync(cancellationToken);
        db.RelyingParties.Add(party);
        await db.SaveChangesAsync(cancellationToken);
        await clients.EnsureAsync(party, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new RelyingPartyCredentials(trimmed, clientId, secret);
    }

    /// <summary>A new client secret for the relying party, or null for an unknown client id; the old secret stops working at once.</summary>
    public async Task<RelyingPartyCredentials?> RotateSecretAsync(string clientId, CancellationToken cancellationToken = default)
    {
        var secret = Hashing.NewToken();
        await using var transaction = await db.BeginOrJoinTransactionAsync(cancellationToken);
        var party = await db.RelyingParties.SingleOrDefaultAsync(r => r.ClientId == clientId && !r.IsBuiltIn, cancellationToken);
        if (party is null)
        {
            return null;
        }
        party.ClientSecretHash = Hashing.TokenHash(secret);
        party.SecretRotatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        await clients.SetSecretHashAsync(party, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new RelyingPartyCredentials(party.Name, clientId, secret);
    }

    /// <summary>
    /// Disables the relying party (its API calls get a 401 from now on) or enables it again. Returns the party as it now
    /// is, or null for an unknown client id; disabling an already disabled party keeps the time it was first disabled.
    /// </summary>
    public async Task<RelyingParty?> SetDisabledAsync(string clientId, bool disabled, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var parties = db.RelyingParties.Where(r => r.ClientId == clientId && !r.IsBuiltIn);
        await (disabled
            ? parties.Where(r => r.DisabledAt == null).ExecuteUpdateAsync(r => r.SetProperty(x => x.DisabledAt, now), cancellationToken)
            : parties.ExecuteUpdateAsync(r => r.SetProperty(x => x.DisabledAt, (DateTimeOffset?)null), cancellationToken));
        return await parties.AsNoTracking().SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// Sets where the party's OpenID Connect sign-ins may return people to, and where they may go after signing out.
    /// Returns the party, null for an unknown client id, or the first problem with an address (nothing is changed then).
    /// </summary>
    public async Task<Result<RelyingParty>?> SetReturnAddressesAsync(string clientId, IReadOnlyCollection<string> redirectUris,
        IReadOnlyCollection<string> postLogoutRedirectUris, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(redirectUris);
        ArgumentNullException.ThrowIfNull(postLogoutRedirectUris);
        if (redirectUris.Concat(postLogoutRedirectUris).Select(RelyingPartyClients.RedirectUriProblem).FirstOrDefault(p => p is not null) is { } problem)
        {
            return Errors.InvalidRequest(problem, "redirectUri");
        }
        await using var transaction = await db.BeginOrJoinTransactionAsync(cancellationToken);
        var party = await db.RelyingParties.AsNoTracking().SingleOrDefaultAsync(r => r.ClientId == clientId && !r.IsBuiltIn, cancellationToken);
        if (party is null)
        {
            return null;
        }
        await clients.SetRedirectUrisAsync(party, [.. redirectUris.Select(u => new Uri(u))], [.. postLogoutRedirectUris.Select(u => new Uri(u))],
            cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return party;
    }

    /// <summary>Allows the party's OpenID Connect client exactly these flows (<see cref="RelyingPartyClients.Flows"/>); null for an unknown client id.</summary>
    public async Task<Result<RelyingParty>?> SetFlowsAsync(string clientId, IReadOnlyCollection<string> flows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(flows);
        if (flows.FirstOrDefault(flow => !RelyingPartyClients.Flows.Contains(flow)) is { } unknown)
        {
            return Errors.InvalidRequest($"'{unknown}' is not a flow: give {string.Join(", ", RelyingPartyClients.Flows)}.", "flow");
        }
        var party = await db.RelyingParties.AsNoTracking().SingleOrDefaultAsync(r => r.ClientId == clientId && !r.IsBuiltIn, cancellationToken);
        if (party is null)
        {
            return null;
        }
        await clients.SetFlowsAsync(party, flows, cancellationToken);
        return party;
    }

    /// <summary>
    /// Sets the party's webhook to <paramref name="url"/> with a new signing secret, returned once (only its encryption is
    /// stored), or removes it when <paramref name="url"/> is null. Events already waiting go to the new address, signed with
    /// the new secret. Returns null for an unknown client id, or the problem with the address.
    /// </summary>
    public async Task<Result<string?>?> SetWebhookAsync(string clientId, string? url, CancellationToken cancellationToken = default)
    {
        if (url is not null && Webhooks.WebhookAddress.Problem(url) is { } problem)
        {
            return Errors.InvalidRequest(problem, "url");
        }
        var party = await db.RelyingParties.SingleOrDefaultAsync(r => r.ClientId == clientId && !r.IsBuiltIn, cancellationToken);
        if (party is null)
        {
            return null;
        }
        string? secret = null;
        if (url is null)
        {
            (party.WebhookUrl, party.WebhookSecretProtected) = (null, null);
        }
        else
        {
            var (key, shown) = Webhooks.WebhookSignature.NewSecret();
            (party.WebhookUrl, party.WebhookSecretProtected, secret) = (url, protector.Protect(key, Webhooks.WebhookSender.SecretPurpose(party.Id)), shown);
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(key);
        }
        await db.SaveChangesAsync(cancellationToken);
        return secret;
    }

    /// <summary>The enabled, registered (not built-in) relying party with this client id, or null.</summary>
    public Task<RelyingParty?> FindEnabledAsync(string? clientId, CancellationToken cancellationToken = default) =>
        db.RelyingParties.AsNoTracking().SingleOrDefaultAsync(r => r.ClientId == clientId && !r.IsBuiltIn && r.DisabledAt == null, cancellationToken);

    public async Task<RelyingParty> BuiltInAsync(CancellationToken cancellationToken = default)
    {
        var party = await db.RelyingParties.AsNoTracking().SingleOrDefaultAsync(r => r.IsBuiltIn, cancellationToken);
        if (party is not null)
        {
            return party;
        }
        party = new RelyingParty
        {
            Name = BuiltInName,
            ClientId = "builtin",
            ClientSecretHash = Convert.ToHexStringLower(Encoding.ASCII.GetBytes("no secret can hash to this value")),
            CreatedAt = time.GetUtcNow(),
            IsBuiltIn = true,
        };
        db.RelyingParties.Add(party);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another instance created it first.
            db.ChangeTracker.Clear();
            return await db.RelyingParties.AsNoTracking().SingleAsync(r => r.IsBuiltIn, cancellationToken);
        }
        return party;
    }

    public Task<List<RelyingParty>> ListAsync(CancellationToken cancellationToken = default) =>
        db.RelyingParties.AsNoTracking().Where(r => !r.IsBuiltIn).OrderBy(r => r.CreatedAt).ToListAsync(cancellationToken);
}
