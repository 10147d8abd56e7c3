using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Web;
using Cipherpad.Server.RelyingParties;
using Microsoft.Extensions.DependencyInjection;

namespace Cipherpad.Testing;

/// <summary>
/// A confidential OpenID Connect client of the server under test, written from the specifications (authorization code
/// with PKCE, pushed authorization requests, token and userinfo calls), so tests can drive each step and look at each reply.
/// </summary>
public sealed class OidcClient(HttpClient backChannel, string clientId, string clientSecret, string redirectUri)
{
    public string ClientId => clientId;
    public string ClientSecret => clientSecret;
    public string RedirectUri => redirectUri;

    /// <summary>Registers a relying party with <paramref name="redirectUri"/> as its return address, through the registry as the admin command does.</summary>
    public static async Task<OidcClient> RegisterAsync(CipherpadFactory factory, string name = "Demo Wallet",
        string redirectUri = "https://wallet.example/signed-in", HttpClient? backChannel = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        await using var scope = factory.Services.CreateAsyncScope();
        var registry = scope.ServiceProvider.GetRequiredService<RelyingPartyService>();
        var credentials = await registry.AddAsync(name);
        var set = await registry.SetReturnAddressesAsync(credentials.ClientId, [redirectUri], ["https://wallet.example/signed-out"]);
        Assert.True(set is { Succeeded: true });
        return new OidcClient(backChannel ?? factory.CreateClient(), credentials.ClientId, credentials.ClientSecret, redirectUri);
    }

    /// <summary>A new PKCE pair: the verifier the client keeps and its S256 challenge.</summary>
    public static (string Verifier, string Challenge) NewPkce()
    {
        var verifier = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return (verifier, Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    /// <summary>The parameters of an authorization request for a code, with <paramref name="extra"/> added or replacing.</summary>
    public Dictionary<string, string> AuthorizationRequest(string pkceChallenge, IReadOnlyDictionary<string, string>? extra = null)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["client_id"] = clientId, ["response_type"] = "code", ["redirect_uri"] = redirectUri, ["scope"] = "openid email profile offline_access",
            ["state"] = "state-" + Guid.NewGuid().ToString("N")[..8], ["nonce"] = "nonce-" + Guid.NewGuid().ToString("N")[..8],
            ["code_challenge"] = pkceChallenge, ["code_challenge_method"] = "S256",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            parameters[key] = value;
        }
        return parameters;
    }

    public static string AuthorizeAddress(IReadOnlyDictionary<string, string> parameters) =>
        "/connect/authorize?" + string.Join('&', parameters.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"));

    /// <summary>Pushes the request (RFC 9126); returns the <c>request_uri</c> that stands for it, or the refusal.</summary>
    public async Task<(string? RequestUri, JsonElement Body, HttpStatusCode Status)> PushAsync(IReadOnlyDictionary<string, string> parameters)
    {
        using var response = await backChannel.PostAsync("/connect/par",
            new FormUrlEncodedContent(new Dictionary<string, string>(parameters) { ["client_secret"] = clientSecret }));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.TryGetProperty("request_uri", out var uri) ? uri.GetString() : null, body, response.StatusCode);
    }

    /// <summary>The code and state a redirect to the client carries, or the error it carries instead.</summary>
    public static (string? Code, string? State, string? Error) ReadRedirect(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        var query = HttpUtility.ParseQueryString(location.Query);
        return (query["code"], query["state"], query["error"] is { } error ? $"{error}: {query["error_description"]}" : null);
    }

    public Task<(HttpStatusCode Status, JsonElement Body)> RedeemCodeAsync(string code, string verifier) =>
        TokenAsync(new() { ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = redirectUri, ["code_verifier"] = verifier });

    public Task<(HttpStatusCode Status, JsonElement Body)> RefreshAsync(string refreshToken) =>
        TokenAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken });

    public Task<(HttpStatusCode Status, JsonElement Body)> ClientCredentialsAsync() =>
        TokenAsync(new() { ["grant_type"] = "client_credentials" });

    public async Task<(HttpStatusCode Status, JsonElement Body)> TokenAsync(Dictionary<string, string> form)
    {
        ArgumentNullException.ThrowIfNull(form);
        form["client_id"] = clientId;
        form["client_secret"] = clientSecret;
        using var response = await backChannel.PostAsync("/connect/token", new FormUrlEncodedContent(form));
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    public async Task<(HttpStatusCode Status, string Body)> UserInfoAsync(string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/connect/userinfo");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await backChannel.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The payload of a JWT, not checked: tests that care about the signature check it against the key set.</summary>
    public static JsonElement Payload(string jwt)
    {
        ArgumentNullException.ThrowIfNull(jwt);
        return JsonDocument.Parse(Base64Url.DecodeFromChars(jwt.Split('.')[1])).RootElement.Clone();
    }
}
