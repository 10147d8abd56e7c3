using System.Text;
using Cipherpad.Server.Security;
using Cipherpad.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Cipherpad.Server.RelyingParties;

public sealed record RelyingPartyCredentials(string Name, string ClientId, string ClientSecret);

public sealed class RelyingPartyService(CipherpadDbContext db, TimeProvider time)
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
        db.RelyingParties.Add(new RelyingParty { Name = trimmed, ClientId = clientId, ClientSecretHash = Hashing.TokenHash(secret), CreatedAt = time.GetUtcNow() });
        await db.SaveChangesAsync(cancellationToken);
        return new RelyingPartyCredentials(trimmed, clientId, secret);
    }

    /// <summary>The relying party whose id and secret these are, or null; the secret is compared in constant time.</summary>
    public async Task<RelyingParty?> AuthenticateAsync(string clientId, string clientSecret, CancellationToken cancellationToken = default)
    {
        var party = await db.RelyingParties.AsNoTracking().SingleOrDefaultAsync(r => r.ClientId == clientId && !r.IsBuiltIn, cancellationToken);
        // Hash even for an unknown id, so the response time does not tell which ids exist.
        var matches = Hashing.TokenMatches(clientSecret, party?.ClientSecretHash ?? new string('0', 64));
        return matches ? party : null;
    }

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
