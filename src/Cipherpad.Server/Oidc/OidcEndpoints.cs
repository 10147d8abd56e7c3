using System.Security.Claims;
using Cipherpad.Server.RelyingParties;
using Cipherpad.Server.Sessions;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Cipherpad.Server.Oidc;

/// <summary>
/// The token, userinfo and sign-out endpoints, after OpenIddict has validated each request (client authentication, PKCE,
/// codes and refresh tokens). The authorization endpoint is a page (<c>Pages/Connect/Authorize</c>): it asks the question.
/// </summary>
public static class OidcEndpoints
{
    public static IEndpointRouteBuilder MapOidcEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/connect/token", (Delegate)TokenAsync).ExcludeFromDescription();
        app.MapMethods("/connect/userinfo", [HttpMethods.Get, HttpMethods.Post], (Delegate)UserInfoAsync).ExcludeFromDescription();
        app.MapMethods("/connect/endsession", [HttpMethods.Get, HttpMethods.Post], (Delegate)EndSessionAsync).ExcludeFromDescription().DisableAntiforgery();
        return app;
    }

    /// <summary>
    /// Issues tokens. A code or refresh token is honoured only while its relying party is enabled and, for a sign-in, while
    /// the Cipherpad session it was granted in is open: signing out, recovery or a security change ends refresh at once.
    /// </summary>
    private static async Task<IResult> TokenAsync(HttpContext context, RelyingPartyService relyingParties, SignInSessions sessions)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("OpenIddict did not pass a token request through.");
        var cancellationToken = context.RequestAborted;
        var party = await relyingParties.FindEnabledAsync(request.ClientId, cancellationToken);
        if (party is null)
        {
            return Refuse(Errors.InvalidClient, "This relying party is disabled.");
        }
        if (request.IsClientCredentialsGrantType())
        {
            var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
            identity.AddClaim(new Claim(Claims.Subject, party.ClientId).SetDestinations(Destinations.AccessToken));
            identity.AddClaim(new Claim(Claims.Name, party.Name).SetDestinations(Destinations.AccessToken));
            return Results.SignIn(new ClaimsPrincipal(identity), null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }
        if (!request.IsAuthorizationCodeGrantType() && !request.IsRefreshTokenGrantType())
        {
            return Refuse(Errors.UnsupportedGrantType, "Cipherpad issues tokens for authorization codes, refresh tokens and client credentials.");
        }
        var principal = (await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
        if (principal is null || !Guid.TryParse(principal.GetClaim(OidcClaims.AccountClaim), out var accountId))
        {
            return Refuse(Errors.InvalidGrant, "The grant is no longer valid.");
        }
        if (request.IsRefreshTokenGrantType() && (!Guid.TryParse(principal.GetClaim(OidcClaims.SessionClaim), out var sessionId)
            || await sessions.OpenAsync(sessionId, accountId, cancellationToken) is null))
        {
            return Refuse(Errors.InvalidGrant, "The Cipherpad sign-in this token belongs to has ended: sign in again.");
        }
        OidcClaims.SetDestinations(principal);
        return Results.SignIn(principal, null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>The claims of the access token the client presents, as its scopes allowed them when it was issued.</summary>
    private static async Task<IResult> UserInfoAsync(HttpContext context)
    {
        var principal = (await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
        if (principal?.GetClaim(Claims.Subject) is not { } subject)
        {
            return Results.Challenge(new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidToken,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The access token is not valid.",
            }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }
        var claims = new Dictionary<string, object>(StringComparer.Ordinal) { [Claims.Subject] = subject };
        foreach (var name in new[] { Claims.Email, Claims.Name, Claims.GivenName, Claims.FamilyName })
        {
            if (principal.GetClaim(name) is { } value)
            {
                claims[name] = value;
            }
        }
        if (principal.HasClaim(Claims.Email))
        {
            claims[Claims.EmailVerified] = true;
        }
        return Results.Ok(claims);
    }

    /// <summary>
    /// RP-initiated sign-out: ends the Cipherpad session of this browser, then returns to the client's registered address.
    /// Only for a request that names the person with an <c>id_token_hint</c> (OpenIddict has checked its signature) issued
    /// to this client for the person signed in here: any other page can send a browser to this address, and must not be
    /// able to sign its person out everywhere.
    /// </summary>
    private static async Task<IResult> EndSessionAsync(HttpContext context, SignInSessions sessions, OidcSubjects subjects)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("OpenIddict did not pass a sign-out request through.");
        var signedIn = await context.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        var hint = request.IdTokenHint is null ? null : (await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
        if (signedIn.Principal is { } principal && hint?.GetClaim(Claims.Subject) is { } subject && hint.GetAudiences() is [var clientId]
            && await sessions.OpenAsync(principal, context.RequestAborted) is { } session
            && subject == await subjects.ForAsync(clientId, session.AccountId, context.RequestAborted))
        {
            await sessions.EndAsync(principal, context.RequestAborted);
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    private static IResult Refuse(string error, string description) =>
        Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
