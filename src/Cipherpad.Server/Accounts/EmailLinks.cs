using Cipherpad.Server.Security;
using Cipherpad.Server.Storage;
using Cipherpad.Server.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.Accounts;

/// <summary>
/// Issues and claims single-use e-mail links. A link works for <see cref="Lifetime"/> and acts once: claiming is a
/// conditional update, so two requests with the same link cannot both act. Pages only look a link up on GET; the
/// claim happens on the POST that acts, so mail scanners that open links cannot spend them.
/// </summary>
public sealed class EmailLinks(CipherpadDbContext db, PublicLinks links, IOptions<CipherpadOptions> options, TimeProvider time)
{
    public TimeSpan Lifetime => options.Value.Accounts.RecoveryLinkLifetime;

    /// <summary>
    /// Adds a new link of this kind to the request's unit of work and returns the absolute address to mail; the token itself is
    /// not kept. The caller saves the link together with the mail that carries it.
    /// </summary>
    public string Issue(Guid accountId, EmailLinkKind kind, string? address = null)
    {
        var token = Hashing.NewToken();
        var now = time.GetUtcNow();
        db.EmailLinks.Add(new EmailLink
        {
            AccountId = accountId,
            Kind = kind,
            TokenHash = Hashing.TokenHash(token),
            CreatedAt = now,
            ExpiresAt = now + Lifetime,
            Address = address,
        });
        return links.To(PageOf(kind), token);
    }

    /// <summary>The valid, unused link of this kind for <paramref name="token"/>, or null; not tracked.</summary>
    public async Task<EmailLink?> FindAsync(string? token, EmailLinkKind kind, CancellationToken cancellationToken)
    {
        if (TokenHashOf(token) is not { } hash)
        {
            return null;
        }
        var now = time.GetUtcNow();
        return await db.EmailLinks.AsNoTracking().SingleOrDefaultAsync(l => l.TokenHash == hash && l.Kind == kind && l.UsedAt == null && l.ExpiresAt > now,
            cancellationToken);
    }

    /// <summary>The account of a valid, unused link of this kind, or null.</summary>
    public async Task<Account?> AccountForAsync(string? token, EmailLinkKind kind, CancellationToken cancellationToken)
    {
        var link = await FindAsync(token, kind, cancellationToken);
        return link is null ? null : await db.Accounts.AsNoTracking().SingleAsync(a => a.Id == link.AccountId, cancellationToken);
    }

    /// <summary>Marks the link used; false when another request used it first, so each link acts once.</summary>
    public async Task<bool> TryClaimAsync(EmailLink link, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(link);
        var now = time.GetUtcNow();
        return await db.EmailLinks.Where(l => l.Id == link.Id && l.UsedAt == null)
            .ExecuteUpdateAsync(l => l.SetProperty(x => x.UsedAt, now), cancellationToken) == 1;
    }

    /// <summary>The hash to look an e-mailed token up by, or null for one that cannot be ours (empty or too long).</summary>
    internal static string? TokenHashOf(string? token) => string.IsNullOrEmpty(token) || token.Length > 100 ? null : Hashing.TokenHash(token);

    // Where each kind of link lands: the pages' routes.
    private static string PageOf(EmailLinkKind kind) => kind switch
    {
        EmailLinkKind.Recovery => "/recover/confirm",
        EmailLinkKind.NewActivationCode => "/activation/new-code",
        EmailLinkKind.AddAlias => "/aliases/confirm",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "An e-mail link kind without a page."),
    };
}
