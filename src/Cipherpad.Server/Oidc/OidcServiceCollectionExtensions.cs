using System.Collections.Immutable;
using Cipherpad.Server.RelyingParties;
using Cipherpad.Server.Security;
using Cipherpad.Server.Storage;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.EntityFrameworkCore.Models;
using OpenIddict.Server;
using Microsoft.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Cipherpad.Server.Oidc;

public static class OidcServiceCollectionExtensions
{
    /// <summary>The OpenID Connect endpoints under <c>/connect</c>; discovery and the key set under <c>/.well-known</c>.</summary>
    public const string AuthorizePath = "/connect/authorize";

    /// <summary>
    /// The OpenID Connect provider (OpenIddict): authorization code with PKCE, pushed authorization requests, refresh
    /// tokens, client credentials, userinfo, sign-out; clients are the relying parties (<see cref="RelyingPartyClients"/>),
    /// stored with OpenIddict's EF Core stores in Cipherpad's database, keys in <see cref="OidcKeys"/>.
    /// </summary>
    public static IServiceCollection AddOidc(this IServiceCollection services, CipherpadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Oidc;
        services.AddSingleton<OidcKeys>();
        services.AddProtectedColumn<OidcKey, string>("OpenID Connect signing keys", k => k.Id, k => k.KeyProtected, OidcKeys.Purpose);
        services.AddSingleton<OidcSubjects>();
        services.AddServerSecret(OidcSubjects.Secret);
        services.AddScoped<OidcClaims>();
        services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>, KeysFromDatabase>();
        services.AddOpenIddict()
            .AddCore(core =>
            {
                core.UseEntityFrameworkCore().UseDbContext<CipherpadDbContext>();
                core.ReplaceApplicationManager<OpenIddictEntityFrameworkCoreApplication, RelyingPartyClientManager>();
            })
            .AddServer(server =>
            {
                server.SetIssuer(new Uri(options.PublicUrl.TrimEnd('/') + "/"));
                server.SetAuthorizationEndpointUris(AuthorizePath.TrimStart('/'))
                    .SetPushedAuthorizationEndpointUris("connect/par")
                    .SetTokenEndpointUris("connect/token")
                    .SetUserInfoEndpointUris("connect/userinfo")
                    .SetEndSessionEndpointUris("connect/endsession")
                    .SetRevocationEndpointUris("connect/revoke");
                server.AllowAuthorizationCodeFlow().AllowRefreshTokenFlow().AllowClientCredentialsFlow();
                server.RequireProofKeyForCodeExchange();
                server.RegisterScopes([.. OidcClaims.Scopes]);
                server.RegisterClaims(Claims.Subject, Claims.Email, Claims.EmailVerified, Claims.Name, Claims.GivenName, Claims.FamilyName,
                    Claims.AuthenticationMethodReference, Claims.AuthenticationContextReference, Claims.AuthenticationTime, RequestedOperation.Parameter);
                // Relying parties read access tokens themselves (a payment's authorization_details); only Cipherpad reads codes and refresh tokens.
                server.DisableAccessTokenEncryption();
                server.SetAuthorizationCodeLifetime(settings.AuthorizationCodeLifetime)
                    .SetAccessTokenLifetime(settings.AccessTokenLifetime)
                    .SetIdentityTokenLifetime(settings.IdentityTokenLifetime)
                    .SetRefreshTokenLifetime(settings.RefreshTokenLifetime);
                server.Configure(openIddict => openIddict.RequestTokenLifetime = TimeSpan.FromMinutes(10));
                server.AddEventHandler<OpenIddictServerEvents.HandleConfigurationRequestContext>(handler => handler.UseInlineHandler(context =>
                {
                    context.Metadata["authorization_details_types_supported"] = ImmutableArray.Create<string?>(RequestedOperation.PaymentType, RequestedOperation.ActionType);
                    context.Metadata[Metadata.AcrValuesSupported] = ImmutableArray.Create<string?>(OidcClaims.DeviceAcr, OidcClaims.SmsAcr);
                    context.Metadata[Metadata.SubjectTypesSupported] = ImmutableArray.Create<string?>(SubjectTypes.Pairwise);
                    return default;
                }));
                server.AddEventHandler<OpenIddictServerEvents.ValidatePushedAuthorizationRequestContext>(handler => handler.UseInlineHandler(async context =>
                {
                    var relyingParties = context.Transaction.GetHttpRequest()!.HttpContext.RequestServices.GetRequiredService<RelyingPartyService>();
                    if (await relyingParties.FindEnabledAsync(context.ClientId) is null)
                    {
                        context.Reject(Errors.UnauthorizedClient, "This relying party is disabled.");
                    }
                    else if (!RequestedOperation.TryParse((string?)context.Request[RequestedOperation.Parameter], out _, out var problem))
                    {
                        context.Reject(RequestedOperation.InvalidDetailsError, problem);
                    }
                }));
                // The response to the client: a redirect, or (response_mode=form_post, the ASP.NET Core handler's default) a page
                // that posts it with one script; this server's CSP lets exactly that through, to the validated return address.
                server.AddEventHandler<OpenIddictServerEvents.ApplyAuthorizationResponseContext>(handler => handler.UseInlineHandler(context =>
                {
                    if (context.RedirectUri is { } redirect && context.Transaction.GetHttpRequest() is { } request)
                    {
                        Web.SecurityHeaders.AllowFormRedirectTo(request.HttpContext, new Uri(redirect),
                            postsAuthorizationResponse: context.ResponseMode == ResponseModes.FormPost);
                    }
                    return default;
                }).SetOrder(249_000)); // after OpenIddict has attached the return address and response mode, before it writes the response
                var aspNetCore = server.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough();
                if (new Uri(options.PublicUrl).Scheme == Uri.UriSchemeHttp)
                {
                    // A development server on plain http (the public address says so); in production the address is https.
                    aspNetCore.DisableTransportSecurityRequirement();
                }
            })
            // Checks the bearer tokens of the relying-party API (client credentials) against this server's own keys.
            .AddValidation(validation =>
            {
                validation.UseLocalServer();
                validation.UseAspNetCore();
            });
        return services;
    }

    /// <summary>Gives OpenIddict the keys from the database when its options are first built, the current key of each use first.</summary>
    private sealed class KeysFromDatabase(OidcKeys keys) : IConfigureOptions<OpenIddictServerOptions>
    {
        public void Configure(OpenIddictServerOptions options)
        {
            var loaded = keys.LoadAsync().GetAwaiter().GetResult();
            foreach (var key in loaded.Signing)
            {
                options.SigningCredentials.Add(new SigningCredentials(key, SecurityAlgorithms.RsaSha256));
            }
            foreach (var key in loaded.Encryption)
            {
                options.EncryptionCredentials.Add(new EncryptingCredentials(key, SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512));
            }
        }
    }
}
