using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Cipherpad.Server.RelyingParties;

/// <summary>
/// Puts a route group behind relying-party authentication and says so in the OpenAPI document, in one call, so the
/// document can never promise less or more than <see cref="RelyingPartyAuthentication"/> enforces: HTTP Basic with the client id and
/// secret, or (either one) a bearer access token from OpenID Connect's client credentials grant.
/// </summary>
public static class RelyingPartyApiSecurity
{
    /// <summary>The HTTP Basic security scheme's name in the OpenAPI document's components.</summary>
    public const string SchemeName = "relyingPartyBasic";

    /// <summary>The bearer security scheme's name: an access token the relying party got for itself at <c>/connect/token</c>.</summary>
    public const string BearerSchemeName = "relyingPartyBearer";

    /// <summary>Authenticates every call of <paramref name="group"/> as a relying party and marks its operations as requiring Basic.</summary>
    public static RouteGroupBuilder RequireRelyingPartyAuthentication(this RouteGroupBuilder group)
    {
        group.WithMetadata(new RelyingPartyApiEndpoint());
        group.AddOpenApiOperationTransformer((operation, context, _) =>
        {
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, context.Document)] = [] });
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerSchemeName, context.Document)] = [] });
            return Task.CompletedTask;
        });
        return group;
    }

    /// <summary>Declares the scheme that <see cref="RequireRelyingPartyAuthentication"/> refers to.</summary>
    public static OpenApiOptions AddRelyingPartySecurityScheme(this OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.AddComponent<IOpenApiSecurityScheme>(SchemeName, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "basic",
                Description = "The relying party's client_id as the user name and its client_secret as the password "
                    + "(cipherpad-server rp add, rp rotate-secret).",
            });
            document.AddComponent<IOpenApiSecurityScheme>(BearerSchemeName, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "An access token from POST /connect/token with grant_type=client_credentials and the same client id and secret.",
            });
            return Task.CompletedTask;
        });
        return options;
    }
}
