using Cipherpad.Server.Security;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using OpenIddict.EntityFrameworkCore.Models;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Cipherpad.Server.RelyingParties;

/// <summary>
/// The OpenID Connect face of the relying-party registry: every relying party is also an OpenID Connect client with the
/// same client id and secret (one registration, one secret to rotate). The client row is OpenIddict's; this class keeps
/// it in step with <see cref="RelyingParty"/>, in the caller's unit of work.
/// </summary>
public sealed class RelyingPartyClients(
    OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication> applications,
    IOpenIddictApplicationStore<OpenIddictEntityFrameworkCoreApplication> store)
{
    /// <summary>
    /// The client for <paramref name="party"/>, made if the party has none yet (it was registered before OpenID Connect
    /// was offered): confidential, authorization code with PKCE, refresh tokens, client credentials, pushed authorization
    /// requests. The secret is the party's own, copied as its hash.
    /// </summary>
    public async Task<OpenIddictEntityFrameworkCoreApplication> EnsureAsync(RelyingParty party, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(party);
        // Asked of the store, not the manager: the manager's cache would remember that there was none.
        if (await store.FindByClientIdAsync(party.ClientId, cancellationToken) is { } existing)
        {
            return existing;
        }
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = party.ClientId,
            ClientType = ClientTypes.Confidential,
            ConsentType = ConsentTypes.Implicit,
            DisplayName = party.Name,
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        descriptor.Permissions.UnionWith(PermissionsFor(Flows));
        var application = new OpenIddictEntityFrameworkCoreApplication();
        await applications.PopulateAsync(application, descriptor, cancellationToken);
        // Stored as the hash the registry already has; the manager would hash it again.
        application.ClientSecret = party.ClientSecretHash;
        await store.CreateAsync(application, cancellationToken);
        return application;
    }

    /// <summary>Gives the party's client the party's (new) secret hash.</summary>
    public async Task SetSecretHashAsync(RelyingParty party, CancellationToken cancellationToken)
    {
        var application = await EnsureAsync(party, cancellationToken);
        application.ClientSecret = party.ClientSecretHash;
        await applications.UpdateAsync(application, cancellationToken);
    }

    /// <summary>Replaces the addresses the client may send people back to after sign-in and after sign-out.</summary>
    public async Task SetRedirectUrisAsync(RelyingParty party, IReadOnlyCollection<Uri> redirectUris, IReadOnlyCollection<Uri> postLogoutRedirectUris,
        CancellationToken cancellationToken)
    {
        var application = await EnsureAsync(party, cancellationToken);
        await store.SetRedirectUrisAsync(application, [.. redirectUris.Select(uri => uri.AbsoluteUri)], cancellationToken);
        await store.SetPostLogoutRedirectUrisAsync(application, [.. postLogoutRedirectUris.Select(uri => uri.AbsoluteUri)], cancellationToken);
        await applications.UpdateAsync(application, cancellationToken);
    }

    /// <summary>The flows a client may use: <c>code</c> (sign-in and confirmations, authorization code with PKCE), <c>refresh</c> (refresh tokens), <c>client-credentials</c>.</summary>
    public static readonly IReadOnlyList<string> Flows = ["code", "refresh", "client-credentials"];

    /// <summary>Allows the party's client exactly <paramref name="flows"/> (each one of <see cref="Flows"/>).</summary>
    public async Task SetFlowsAsync(RelyingParty party, IReadOnlyCollection<string> flows, CancellationToken cancellationToken)
    {
        var application = await EnsureAsync(party, cancellationToken);
        await store.SetPermissionsAsync(application, [.. PermissionsFor(flows)], cancellationToken);
        await applications.UpdateAsync(application, cancellationToken);
    }

    /// <summary>The flows the party's client may use, for <c>rp list</c>.</summary>
    public async Task<IReadOnlyList<string>> FlowsAsync(string clientId, CancellationToken cancellationToken)
    {
        if (await store.FindByClientIdAsync(clientId, cancellationToken) is not { } application)
        {
            return [];
        }
        var permissions = await store.GetPermissionsAsync(application, cancellationToken);
        return [.. Flows.Where(flow => PermissionsFor([flow]).All(permissions.Contains))];
    }

    private static HashSet<string> PermissionsFor(IEnumerable<string> flows)
    {
        var permissions = new HashSet<string>(StringComparer.Ordinal) { Permissions.Endpoints.Token, Permissions.Endpoints.Revocation };
        foreach (var flow in flows)
        {
            permissions.UnionWith(flow switch
            {
                "code" =>
                [
                    Permissions.Endpoints.Authorization, Permissions.Endpoints.PushedAuthorization, Permissions.Endpoints.EndSession,
                    Permissions.GrantTypes.AuthorizationCode, Permissions.ResponseTypes.Code, Permissions.Scopes.Email, Permissions.Scopes.Profile,
                ],
                "refresh" => [Permissions.GrantTypes.RefreshToken],
                "client-credentials" => [Permissions.GrantTypes.ClientCredentials],
                _ => throw new ArgumentException($"'{flow}' is not a flow: {string.Join(", ", Flows)}.", nameof(flows)),
            });
        }
        return permissions;
    }

    /// <summary>The client's sign-in and sign-out return addresses, for <c>rp list</c>.</summary>
    public async Task<(IReadOnlyList<string> RedirectUris, IReadOnlyList<string> PostLogoutRedirectUris)> RedirectUrisAsync(string clientId,
        CancellationToken cancellationToken)
    {
        if (await applications.FindByClientIdAsync(clientId, cancellationToken) is not { } application)
        {
            return ([], []);
        }
        return ([.. await applications.GetRedirectUrisAsync(application, cancellationToken)],
            [.. await applications.GetPostLogoutRedirectUrisAsync(application, cancellationToken)]);
    }

    /// <summary>
    /// Why <paramref name="value"/> cannot be a return address, or null: it must be absolute, without a fragment, and
    /// https — or http to a loopback address, for a site on the developer's own machine.
    /// </summary>
    public static string? RedirectUriProblem(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            return $"'{value}' is not an absolute http(s) address.";
        }
        if (uri.Fragment.Length > 0)
        {
            return $"'{value}' has a fragment (#…), which a return address may not have.";
        }
        return uri.Scheme == "http" && !uri.IsLoopback
            ? $"'{value}' is plain http to another machine: use https (http is allowed only for localhost and 127.0.0.1)."
            : null;
    }
}

/// <summary>
/// OpenIddict's application manager with the registry's secret scheme: a client secret is a 256-bit random token, so
/// it is stored as its SHA-256 (as the relying-party API checks it) rather than through PBKDF2, and compared in constant time.
/// </summary>
public sealed class RelyingPartyClientManager(
    IOpenIddictApplicationCache<OpenIddictEntityFrameworkCoreApplication> cache,
    ILogger<OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<OpenIddictEntityFrameworkCoreApplication> store)
    : OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>(cache, logger, options, store)
{
    protected override ValueTask<string> ObfuscateClientSecretAsync(string secret, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Hashing.TokenHash(secret));

    protected override ValueTask<bool> ValidateClientSecretAsync(string secret, string comparand, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Hashing.TokenMatches(secret, comparand));
}
