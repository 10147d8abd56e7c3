using Cipherpad.Server.Problems;
using Cipherpad.Server.Web;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Abstractions;
using OpenIddict.Validation.AspNetCore;

namespace Cipherpad.Server.RelyingParties;

/// <summary>Marks an endpoint as part of the relying-party API: <see cref="RelyingPartyAuthentication"/> authenticates every call to it.</summary>
public sealed class RelyingPartyApiEndpoint;

/// <summary>
/// A read an endpoint of the relying-party API will make, sent to the database in the same command as the caller's
/// authentication (<see cref="Storage.ReadAhead"/>); null when the request names nothing to read.
/// </summary>
public sealed record ReadAheadWithAuthentication(Func<HttpContext, Storage.ReadAhead?> Read);

/// <summary>
/// Authenticates relying-party API calls by HTTP Basic (client id : client secret), or by a bearer access token the
/// relying party got for itself with OpenID Connect's client credentials grant, then counts the call against the
/// relying party's request limit; a failed authentication counts against its source address instead. Every failure is
/// the same RFC 7807 401, whatever was wrong: an unknown id, a wrong or rotated-away secret, a disabled relying party.
/// It is middleware, not an endpoint filter, because filters run after the body is bound: a caller without
/// credentials must learn nothing about the body it sent, only that it is not authenticated.
/// </summary>
public static class RelyingPartyAuthentication
{
    /// <summary>Runs after routing, so it knows which endpoints are the relying-party API's.</summary>
    public static IApplicationBuilder UseRelyingPartyAuthentication(this IApplicationBuilder app) =>
        app.Use(async (http, next) =>
        {
            if (!IsRelyingPartyApi(http))
            {
                await next(http);
                return;
            }
            if (await AuthenticateAsync(http) is { } refused)
            {
                await refused.ExecuteAsync(http);
                return;
            }
            await next(http);
        });

    /// <summary>Whether the request was routed to the relying-party API (after routing).</summary>
    public static bool IsRelyingPartyApi(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<RelyingPartyApiEndpoint>() is not null;

    /// <summary>Whether the request authenticates with a bearer token.</summary>
    public static bool HasBearerToken(HttpContext http) =>
        http?.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ?? false;

    /// <summary>Puts the caller's relying party on <paramref name="http"/>, or returns why it may not call.</summary>
    private static async Task<IResult?> AuthenticateAsync(HttpContext http)
    {
        var limits = http.RequestServices.GetRequiredService<RelyingPartyRequestLimits>();
        var party = BasicCredentials.TryParse(http.Request.Headers.Authorization, out var credentials, out _)
            ? await http.RequestServices.GetRequiredService<RelyingPartyAuthenticator>().AuthenticateAsync(credentials.Id, credentials.Secret,
                [.. http.GetEndpoint()!.Metadata.GetOrderedMetadata<ReadAheadWithAuthentication>().Select(read => read.Read(http)).OfType<Storage.ReadAhead>()],
                http.RequestAborted)
            : await BearerAsync(http);
        if (party is null)
        {
            using var failure = await limits.ForFailedAuthenticationAsync(ClientAddress.Of(http), http.RequestAborted);
            if (!failure.IsAcquired)
            {
                return Security.RateLimits.TooManyRequests(http, failure);
            }
            http.Response.Headers.WWWAuthenticate = "Basic realm=\"Cipherpad relying-party API\", Bearer";
            return Errors.Unauthorized().ToProblem();
        }
        using var lease = await limits.ForRelyingPartyAsync(party.Id, http.RequestAborted);
        if (!lease.IsAcquired)
        {
            return Security.RateLimits.TooManyRequests(http, lease);
        }
        http.Items[typeof(RelyingParty)] = party;
        return null;
    }

    /// <summary>
    /// The enabled relying party a valid bearer access token was issued to for itself (client credentials: its subject
    /// is its own client id), or null. A token issued to a site for a person (its subject is the person) is not one.
    /// </summary>
    private static async Task<RelyingParty?> BearerAsync(HttpContext http)
    {
        if (!HasBearerToken(http))
        {
            return null;
        }
        var relyingParties = http.RequestServices.GetRequiredService<RelyingPartyService>();
        var principal = (await http.AuthenticateAsync(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme)).Principal;
        var clientId = principal?.GetClaim(OpenIddictConstants.Claims.ClientId);
        if (clientId is null || principal!.GetClaim(OpenIddictConstants.Claims.Subject) != clientId)
        {
            return null;
        }
        var party = await relyingParties.FindEnabledAsync(clientId, http.RequestAborted);
        // A token issued before the secret was rotated stops with the old secret.
        return party is not null && (party.SecretRotatedAt is not { } rotated || principal!.GetCreationDate() >= rotated) ? party : null;
    }
}

public static class RelyingPartyHttpContextExtensions
{
    public static RelyingParty RelyingParty(this HttpContext context) =>
        (RelyingParty)(context?.Items[typeof(RelyingParty)] ?? throw new InvalidOperationException("The relying-party authentication did not run."));
}
