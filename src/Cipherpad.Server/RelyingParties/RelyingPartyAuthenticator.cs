using Cipherpad.Server.Security;
using Cipherpad.Server.Storage;

namespace Cipherpad.Server.RelyingParties;

/// <summary>
/// Checks a relying party's id and secret, on every call of its API. Apart from <see cref="RelyingPartyService"/>, which
/// also keeps each party's OpenID Connect client: resolving that one builds OpenIddict's managers and their caches, which a
/// call that only checks credentials would build and throw away every time.
/// </summary>
public sealed class RelyingPartyAuthenticator(CipherpadDbContext db)
{
    /// <summary>
    /// The enabled relying party whose id and secret these are, or null; the secret is compared in constant time.
    /// Read from the database on every call, so a rotated secret or a disabled party stops working at once.
    /// <paramref name="readsAhead"/> go in the same command, for what the authenticated call will read (<see cref="ReadAhead"/>).
    /// </summary>
    public async Task<RelyingParty?> AuthenticateAsync(string clientId, string clientSecret, IReadOnlyList<ReadAhead> readsAhead,
        CancellationToken cancellationToken)
    {
        var party = await db.SingleOrDefaultAsync<RelyingParty>(
            """SELECT * FROM "RelyingParties" WHERE "ClientId" = @clientId AND NOT "IsBuiltIn" """, new { clientId }, readsAhead, cancellationToken);
        // Hash even for an unknown id, so the response time does not tell which ids exist.
        var matches = Hashing.TokenMatches(clientSecret, party?.ClientSecretHash ?? new string('0', 64));
        return matches && party!.DisabledAt is null ? party : null;
    }
}
