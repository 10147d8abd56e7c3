using System.Net;
using System.Net.Sockets;
using Cipherpad.Testing;
using Cipherpad.Testing.Pages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cipherpad.Server.Tests.ForwardAuth;

/// <summary>
/// A real NGINX puts Cipherpad's sign-in in front of a small site with <c>auth_request</c>, configured as docs/operations.md
/// says: the site is reached only with an open Cipherpad session, learns who it is from <c>Remote-User</c> (which a client
/// cannot forge), and a person without a session signs in and comes back to the page they asked for.
/// </summary>
public sealed class BehindNginxForwardAuthTests
{
    private const string Email = "ann@example.com";

    [Fact]
    public async Task A_protected_site_is_reached_only_after_answering_a_question_and_only_until_sign_out()
    {
        var port = Nginx.FreePort();
        var auth = $"http://auth.cipherpad.test:{port}";
        var site = $"http://wiki.cipherpad.test:{port}";
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null, settings: new Dictionary<string, string>
        {
            ["Cipherpad:PublicUrl"] = auth,
            ["Cipherpad:ReverseProxy:TrustedProxies:0"] = "127.0.0.1",
            ["Cipherpad:ForwardAuth:ProtectedHosts:0"] = "*.cipherpad.test",
            ["Cipherpad:ForwardAuth:CookieDomain"] = "cipherpad.test",
            ["Cipherpad:ForwardAuth:AllowedUsers:0"] = Email,
        });
        var cipherpad = factory.StartOnLoopback();
        var pad = await Journeys.RegisterAndActivateAsync(factory, Email);
        await using var wiki = await SmallSiteAsync();
        using var nginx = await Nginx.StartAsync((listen, _) => $$"""
            server {
                {{listen}}
                server_name auth.cipherpad.test;
                location / {
                    proxy_pass {{cipherpad.GetLeftPart(UriPartial.Authority)}};
                    proxy_set_header Host $http_host;
                    {{Nginx.ForwardedHeaders}}
                }
            }
            server {
                {{listen}}
                server_name wiki.cipherpad.test;
                location = /cipherpad-auth {
                    internal;
                    proxy_pass {{cipherpad.GetLeftPart(UriPartial.Authority)}}/auth/request;
                    proxy_pass_request_body off;
                    proxy_set_header Content-Length "";
                    proxy_set_header X-Original-URL $scheme://$http_host$request_uri;
                    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                }
                location / {
                    auth_request /cipherpad-auth;
                    auth_request_set $cipherpad_user $upstream_http_remote_user;
                    auth_request_set $cipherpad_email $upstream_http_remote_email;
                    auth_request_set $cipherpad_name $upstream_http_remote_name;
                    auth_request_set $cipherpad_signin $upstream_http_location;
                    error_page 401 =302 $cipherpad_signin;
                    proxy_pass {{wiki.Urls.First()}};
                    proxy_set_header Remote-User $cipherpad_user;
                    proxy_set_header Remote-Email $cipherpad_email;
                    proxy_set_header Remote-Name $cipherpad_name;
                }
            }
            """, port: port);
        var cookies = new CookieContainer();
        using var browser = Browser(port, new Uri(auth), cookies);

        using var asked = await GetAsync(browser, $"{site}/pages/budget?x=1", forgedUser: "boss@example.com");
        Assert.True(asked.StatusCode == HttpStatusCode.Redirect, nginx.ErrorLog());
        Assert.Equal($"{auth}/signin?ReturnUrl={Uri.EscapeDataString($"{site}/pages/budget?x=1")}", asked.Headers.Location!.AbsoluteUri);

        var signIn = await SignInPage.OpenAsync(browser, $"{site}/pages/budget?x=1");
        var question = await signIn.AskForQuestionAsync(Email);
        using var answered = await question.AnswerAsync(Journeys.AnswerWith(factory, pad, Core.Answers.Purpose.Login, question.Question));
        Assert.Equal($"{site}/pages/budget?x=1", answered.Headers.Location!.AbsoluteUri);

        using var shown = await GetAsync(browser, $"{site}/pages/budget?x=1", forgedUser: "boss@example.com");
        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        Assert.Equal($"Hello {Email} <{Email}> Ann Example", await shown.Content.ReadAsStringAsync());
        // The cookie the site's proxy passes on opens nothing of Cipherpad but forward-auth: not the personal account.
        Assert.Equal(["cipherpad_forward"], cookies.GetCookies(new Uri(site)).Select(c => c.Name));

        using (var signedOut = await (await AccountPage.OpenAsync(browser)).SignOutAsync())
        {
            Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        }
        using var afterSignOut = await GetAsync(browser, $"{site}/", forgedUser: null);
        Assert.Equal(HttpStatusCode.Redirect, afterSignOut.StatusCode);
    }

    [Fact]
    public async Task Sign_in_returns_to_protected_hosts_only()
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null, settings: new Dictionary<string, string>
        {
            ["Cipherpad:ForwardAuth:ProtectedHosts:0"] = "wiki.example.com",
            ["Cipherpad:ForwardAuth:ProtectedHosts:1"] = "*.apps.example.com",
            ["Cipherpad:ForwardAuth:AllowedUsers:0"] = "*",
        });
        var pad = await Journeys.RegisterAndActivateAsync(factory, Email);
        using (var browser = factory.Browser())
        {
            // Browsers hold the redirect after the answer form to form-action: the page lets it go to the protected site only.
            using var protectedPage = await browser.GetAsync($"/signin?ReturnUrl={Uri.EscapeDataString("https://wiki.example.com/page")}");
            Assert.Contains("form-action 'self' https://wiki.example.com;", protectedPage.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            using var elsewhere = await browser.GetAsync($"/signin?ReturnUrl={Uri.EscapeDataString("https://evil.example.net/")}");
            Assert.Contains("form-action 'self';", elsewhere.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        }
        foreach (var (returnUrl, landing) in new[]
        {
            ("https://wiki.example.com/page", "https://wiki.example.com/page"),
            ("https://git.apps.example.com/", "https://git.apps.example.com/"),
            ("https://apps.example.com/", "/account"),
            ("https://wiki.example.com.evil.test/", "/account"),
            ("https://user@wiki.example.com/", "/account"),
            ("javascript:alert(1)", "/account"),
        })
        {
            using var browser = factory.Browser();
            var question = await (await SignInPage.OpenAsync(browser, returnUrl)).AskForQuestionAsync(Email);
            using var answered = await question.AnswerAsync(Journeys.AnswerWith(factory, pad, Core.Answers.Purpose.Login, question.Question));
            Assert.Equal(landing, answered.Headers.Location!.OriginalString);
        }
    }

    /// <summary>A browser whose every connection goes to the proxy, whatever the host name, keeping cookies and not following redirects.</summary>
    private static HttpClient Browser(int proxyPort, Uri cipherpad, CookieContainer cookies) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = true,
        CookieContainer = cookies,
        ConnectCallback = async (_, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(IPAddress.Loopback, proxyPort, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        },
    })
    { BaseAddress = cipherpad };

    private static async Task<HttpResponseMessage> GetAsync(HttpClient browser, string address, string? forgedUser)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, address);
        if (forgedUser is not null)
        {
            request.Headers.Add("Remote-User", forgedUser);
            request.Headers.Add("Remote-Email", forgedUser);
            request.Headers.Add("Remote-Name", "Boss");
        }
        return await browser.SendAsync(request);
    }

    /// <summary>The protected site: it greets whoever the proxy says is there.</summary>
    private static async Task<WebApplication> SmallSiteAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var site = builder.Build();
        site.MapGet("/{**path}", (HttpContext http) =>
            $"Hello {http.Request.Headers["Remote-User"]} <{http.Request.Headers["Remote-Email"]}> {http.Request.Headers["Remote-Name"]}");
        await site.StartAsync();
        return site;
    }
}
