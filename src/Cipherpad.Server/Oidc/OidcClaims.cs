using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Cipherpad.Server.Accounts;
using Cipherpad.Server.AnswerMethods.CipherPad;
using Cipherpad.Server.AnswerMethods.Push;
using Cipherpad.Server.AnswerMethods.Sms;
using Microsoft.IdentityModel.JsonWebTokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Cipherpad.Server.Oidc;

/// <summary>Who answered, how and when: what an authorization is granted on.</summary>
/// <param name="AccountId">The account whose device answered.</param>
/// <param name="At">When the answer was accepted (<c>auth_time</c>).</param>
/// <param name="Method">The answer method (<c>app</c>: the cipher pad, <c>push</c>, <c>sms</c>).</param>
/// <param name="SessionId">The Cipherpad sign-in session the authorization lives in; refresh tokens work only while it is open.</param>
public sealed record Answered(Guid AccountId, string Method, DateTimeOffset At, Guid? SessionId);

/// <summary>
/// The claims of the tokens Cipherpad issues, and which token each goes into. Identity tokens say what the person proved:
/// <c>amr</c> (RFC 8176 values) and <c>acr</c> (<see cref="DeviceAcr"/> for an answer from a device the person holds,
/// <see cref="SmsAcr"/> for one sent by SMS), and <c>auth_time</c>.
/// </summary>
public sealed class OidcClaims(AccountDirectory accounts, OidcSubjects subjects)
{
    public const string DeviceAcr = "urn:cipherpad:acr:device";
    public const string SmsAcr = "urn:cipherpad:acr:sms";

    /// <summary>The account behind a token: kept only in authorization codes and refresh tokens, which only this server reads.</summary>
    public const string AccountClaim = "cipherpad:account";

    public const string SessionClaim = Sessions.SignInSessions.SessionClaim;

    /// <summary>The scopes a client may ask for; <c>openid</c> and <c>offline_access</c> are OpenIddict's own.</summary>
    public static readonly string[] Scopes = [OpenIddictConstants.Scopes.Email, OpenIddictConstants.Scopes.Profile];

    /// <summary>
    /// What each answer method proves, in RFC 8176 words: a one-time code from a software key, a tap on it, an SMS, or a
    /// key held by the device with its user verified (a passkey: the device, and a fingerprint, face or PIN).
    /// </summary>
    public static string[] AuthenticationMethods(string method) => method switch
    {
        CipherPadMethod.MethodName => ["otp", "swk"],
        PushMethod.MethodName => ["swk", "user"],
        AnswerMethods.Passkey.PasskeyMethod.MethodName => ["hwk", "mfa"],
        SmsMethod.MethodName => ["otp", "sms"],
        _ => [method],
    };

    public static string Acr(string method) => method == SmsMethod.MethodName ? SmsAcr : DeviceAcr;

    /// <summary>Whether an answer by <paramref name="method"/> meets the request's <c>acr_values</c>: a device answer meets both levels, SMS only its own.</summary>
    public static bool MeetsAcr(OpenIddictRequest request, string method)
    {
        ArgumentNullException.ThrowIfNull(request);
        var asked = request.GetAcrValues().Where(value => value is DeviceAcr or SmsAcr).ToList();
        return asked.Count == 0 || Acr(method) == DeviceAcr || asked.Contains(SmsAcr);
    }

    /// <summary>Whether the request wants the person to answer a new question rather than reuse a sign-in made at <paramref name="authenticatedAt"/>.</summary>
    public static bool WantsFreshAnswer(OpenIddictRequest request, DateTimeOffset authenticatedAt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.HasPromptValue(PromptValues.Login)
            || request.MaxAge is { } maxAge && now - authenticatedAt > TimeSpan.FromSeconds(maxAge);
    }

    /// <summary>The principal an authorization code is issued for: the person as this client may see them, and the confirmed operation.</summary>
    public async Task<ClaimsPrincipal> ForAuthorizationAsync(string clientId, OpenIddictRequest request, Answered answered, RequestedOperation operation,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(answered);
        ArgumentNullException.ThrowIfNull(operation);
        var account = await accounts.GetAsync(answered.AccountId, cancellationToken);
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, await subjects.ForAsync(clientId, account.Id, cancellationToken)));
        identity.AddClaim(new Claim(AccountClaim, account.Id.ToString()));
        if (answered.SessionId is { } session)
        {
            identity.AddClaim(new Claim(SessionClaim, session.ToString()));
        }
        var scopes = request.GetScopes().Where(scope => scope is OpenIddictConstants.Scopes.OpenId || Scopes.Contains(scope)
            // A refresh token lives in a sign-in's session; a payment or action is confirmed once and cannot be renewed.
            || scope == OpenIddictConstants.Scopes.OfflineAccess && answered.SessionId is not null && operation.Purpose == Core.Answers.Purpose.Login).ToList();
        if (scopes.Contains(OpenIddictConstants.Scopes.Email))
        {
            identity.AddClaim(new Claim(Claims.Email, account.Email));
            identity.AddClaim(new Claim(Claims.EmailVerified, "true", ClaimValueTypes.Boolean));
        }
        if (scopes.Contains(OpenIddictConstants.Scopes.Profile))
        {
            identity.AddClaim(new Claim(Claims.Name, account.FullName));
            identity.AddClaim(new Claim(Claims.GivenName, account.FirstName));
            identity.AddClaim(new Claim(Claims.FamilyName, account.LastName));
        }
        foreach (var amr in AuthenticationMethods(answered.Method))
        {
            identity.AddClaim(new Claim(Claims.AuthenticationMethodReference, amr));
        }
        identity.AddClaim(new Claim(Claims.AuthenticationContextReference, Acr(answered.Method)));
        identity.AddClaim(new Claim(Claims.AuthenticationTime, answered.At.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64));
        if (operation.ToJson() is { } details)
        {
            identity.AddClaim(new Claim(RequestedOperation.Parameter, details, JsonClaimValueTypes.JsonArray));
        }
        var principal = new ClaimsPrincipal(identity);
        principal.SetScopes(scopes);
        SetDestinations(principal);
        return principal;
    }

    /// <summary>
    /// Puts each claim in the tokens it belongs to. Also gathers <c>authorization_details</c> back into one array: read
    /// back from an authorization code or refresh token, a JSON array claim comes apart into one claim per element.
    /// </summary>
    public static void SetDestinations(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var identity = (ClaimsIdentity)principal.Identity!;
        var details = identity.FindAll(RequestedOperation.Parameter).ToList();
        if (details is not [{ ValueType: JsonClaimValueTypes.JsonArray }] && details.Count > 0)
        {
            foreach (var claim in details)
            {
                identity.RemoveClaim(claim);
            }
            var array = "[" + string.Join(",", details.Select(c => c.Value)) + "]";
            using var _ = JsonDocument.Parse(array); // each element is a JSON object already; this only proves it
            identity.AddClaim(new Claim(RequestedOperation.Parameter, array, JsonClaimValueTypes.JsonArray));
        }
        foreach (var claim in identity.Claims)
        {
            claim.SetDestinations(claim.Type is AccountClaim or SessionClaim ? [] : [Destinations.AccessToken, Destinations.IdentityToken]);
        }
    }
}
