using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Encodings.Web;
using Cipherpad.Contracts.Challenges;
using Cipherpad.Testing;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cipherpad.Server.Tests.RelyingParties;

/// <summary>
/// The relying-party API authenticates its callers itself: its requests with a client id and secret pass none of the
/// browser's authentication schemes (cookies, OpenID Connect's endpoints), and every other request passes them exactly once.
/// </summary>
public sealed class RelyingPartyAuthenticationTests
{
    [Fact]
    public async Task The_relying_party_api_skips_the_browsers_authentication_and_pages_pass_it_once()
    {
        var seen = new ConcurrentQueue<string>();
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null, services: services =>
        {
            services.AddSingleton(seen);
            services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, RequestWatcher>(RequestWatcher.Name, null);
        });
        using var shop = await Journeys.RelyingPartyClientAsync(factory, "Shop");
        seen.Clear();

        var created = await shop.PostAsJsonAsync("/api/v1/challenges", new CreateChallengeRequest("nobody@example.com"));
        var apiPasses = seen.Count;
        var page = await factory.CreateClient().GetAsync(new Uri("/signin", UriKind.Relative));
        using var bearer = factory.CreateClient();
        bearer.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "not-a-token");
        var withToken = await bearer.PostAsJsonAsync("/api/v1/challenges", new CreateChallengeRequest("nobody@example.com"));

        Assert.Equal(HttpStatusCode.NotFound, created.StatusCode); // authenticated, and then no such account
        Assert.Equal(0, apiPasses);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        // A bearer token is validated by OpenID Connect's server, so that request passes the schemes too.
        Assert.Equal(HttpStatusCode.Unauthorized, withToken.StatusCode);
        Assert.Equal(["/signin", "/api/v1/challenges"], seen);
    }

    /// <summary>A scheme that looks at every request the authentication middleware passes it, as OpenID Connect's server does.</summary>
    private sealed class RequestWatcher(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
        ConcurrentQueue<string> seen) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder), IAuthenticationRequestHandler
    {
        public const string Name = "request-watcher";

        public Task<bool> HandleRequestAsync()
        {
            seen.Enqueue(Request.Path);
            return Task.FromResult(false);
        }

        protected override Task<AuthenticateResult> HandleAuthenticateAsync() => Task.FromResult(AuthenticateResult.NoResult());
    }
}
