using System.Security.Claims;
using Cipherpad.Server.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.Sessions;

/// <summary>
/// Starts, checks and ends sign-in sessions. The cookie carries the account and the session id; a request is signed in
/// only while its session row is open and within its absolute lifetime.
/// </summary>
public sealed class SignInSessions(CipherpadDbContext db, IOptions<CipherpadOptions> options, TimeProvider time)
{
    public const string SessionClaim = "cipherpad:session";

    public const string SignedOut = "signed-out";
    public const string SecurityChange = "security-change";
    public const string Recovery = "recovery";
    public const string AdminChange = "admin-change";

    private SessionOptions Settings => options.Value.Sessions;

    /// <summary>Opens a session for the account and returns the principal the cookie will carry.</summary>
    public async Task<ClaimsPrincipal> StartAsync(Guid accountId, string? source, string method, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var session = new SignInSession
        {
            AccountId = accountId, StartedAt = now, ExpiresAt = now + Settings.AbsoluteLifetime, Source = source, Method = method,
        };
        db.SignInSessions.Add(session);
        await db.SaveChangesAsync(cancellationToken);
        return new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, accountId.ToString()), new Claim(SessionClaim, session.Id.ToString())],
            CookieAuthenticationDefaults.AuthenticationScheme));
    }

    /// <summary>
    /// Signs the browser of <paramref name="http"/> in after an accepted answer: its earlier session ends (one session per
    /// browser, and what was granted in the old one with it), a new one opens, and the cookie names it. Returns its id.
    /// </summary>
    public async Task<Guid> SignInBrowserAsync(HttpContext http, Guid accountId, string method, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        await EndAsync(http.User, cancellationToken);
        var principal = await StartAsync(accountId, Web.ClientAddress.Of(http), method, cancellationToken);
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal);
        return SessionOf(principal)!.Value;
    }

    /// <summary>Whether the session the principal names is still open for its account.</summary>
    public async Task<bool> IsOpenAsync(ClaimsPrincipal principal, CancellationToken cancellationToken) =>
        await OpenAsync(principal, cancellationToken) is not null;

    /// <summary>The open session the principal (a sign-in cookie's) names, or null.</summary>
    public Task<SignInSession?> OpenAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return SessionOf(principal) is { } sessionId && Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var accountId)
            ? OpenAsync(sessionId, accountId, cancellationToken)
            : Task.FromResult<SignInSession?>(null);
    }

    /// <summary>The session, if it is open and the account's.</summary>
    public Task<SignInSession?> OpenAsync(Guid sessionId, Guid accountId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return db.SignInSessions.AsNoTracking()
            .SingleOrDefaultAsync(s => s.Id == sessionId && s.AccountId == accountId && s.EndedAt == null && s.ExpiresAt > now, cancellationToken);
    }

    public async Task EndAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (SessionOf(principal) is { } sessionId)
        {
            await End(db.SignInSessions.Where(s => s.Id == sessionId), SignedOut, cancellationToken);
        }
    }

    /// <summary>Ends every open session of the account but <paramref name="except"/> (the one that made the change, if any).</summary>
    public Task<int> EndAllAsync(Guid accountId, string because, Guid? except, CancellationToken cancellationToken) =>
        End(db.SignInSessions.Where(s => s.AccountId == accountId && s.Id != except), because, cancellationToken);

    public static Guid? SessionOf(ClaimsPrincipal principal) =>
        Guid.TryParse(principal?.FindFirstValue(SessionClaim), out var id) ? id : null;

    private Task<int> End(IQueryable<SignInSession> sessions, string because, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return sessions.Where(s => s.EndedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, now).SetProperty(x => x.EndedBecause, because), cancellationToken);
    }
}
