using System.ComponentModel.DataAnnotations;

namespace Cipherpad.Server.Oidc;

/// <summary>The OpenID Connect provider's token lifetimes (<c>Cipherpad:Oidc</c>).</summary>
public sealed class OidcOptions
{
    /// <summary>How long a client has to redeem an authorization code.</summary>
    [Range(typeof(TimeSpan), "00:00:30", "00:10:00")]
    public TimeSpan AuthorizationCodeLifetime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long an access token (a signed JWT) is accepted.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long an identity token is valid.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan IdentityTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a refresh token (asked for with the <c>offline_access</c> scope) lasts; each use gives a new one.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "90.00:00:00")]
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How long a key replaced by <c>oidc rotate-keys</c> stays usable: as long as any token it made may live.</summary>
    public TimeSpan LongestTokenLifetime =>
        new[] { AuthorizationCodeLifetime, AccessTokenLifetime, IdentityTokenLifetime, RefreshTokenLifetime }.Max();
}
