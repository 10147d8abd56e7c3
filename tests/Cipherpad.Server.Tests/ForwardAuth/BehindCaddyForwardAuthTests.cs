using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using Cipherpad.Testing;
using Cipherpad.Testing.Pages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cipherpad.Server.Tests.ForwardAuth;

/// <summary>
/// A real Caddy puts Cipherpad's sign-in in front of a small site with <c>forward_auth</c>, with the configuration of
/// docs/operations.md as it stands there: the site is reached only with an open Cipherpad session of an allowed account,
/// and learns who it is from Cipherpad alone, whatever identity headers the client sends of its own.
/// </summary>
public sealed partial class BehindCaddyForwardAuthTests
{
    private const string Email = "ann@example.com";
    private const int Minutes = 60_000;

    /// <summary>What a client sends to pass for someone else, in the spellings a site may read as the identity headers.</summary>
    private static readonly Dictionary<string, string> Forged = new()
    {
        ["Remote-User"] = "admin@example.com",
        ["Remote-Email"] = "admin@example.com",
        ["Remote-Name"] = "Admin",
        ["Remote_User"] = "admin@example.com",
        ["REMOTE_EMAIL"] = "admin@example.com",
        ["remote_name"] = "Admin",
    };

    [Fact(Timeout = 3 * Minutes)]
    public async Task A_visitor_passes_only_after_answering_a_question_and_the_site_hears_who_they_are_from_cipherpad_alone()
    {
        await using var setup = await ProtectedWikiAsync();
        using var browser = LoopbackClients.From("127.0.0.2", setup.Cipherpad);
        var page = $"{setup.Wiki}pages/budget?x=1";

        using var asked = await GetAsync(browser, page, Forged);
        Assert.True(asked.StatusCode == HttpStatusCode.Redirect, setup.Caddy.Log());
        Assert.Equal($"{setup.Cipherpad}signin?ReturnUrl={Uri.EscapeDataString(page)}", asked.Headers.Location!.AbsoluteUri);
        Assert.Empty(setup.Seen);

        var question = await (await SignInPage.OpenAsync(browser, page)).AskForQuestionAsync(Email);
        using var answered = await question.AnswerAsync(Journeys.AnswerWith(setup.Factory, setup.Pad, Core.Answers.Purpose.Login, question.Question));
        Assert.Equal(page, answered.Headers.Location!.AbsoluteUri);

        using var shown = await GetAsync(browser, page, Forged);
        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        Assert.Equal(["REMOTE_EMAIL=ann@example.com", "REMOTE_NAME=Ann Example", "REMOTE_USER=ann@example.com"], Assert.Single(setup.Seen));
    }

    [Fact(Timeout = 3 * Minutes)]
    public async Task A_signed_in_account_not_allowed_on_the_site_is_refused_and_its_forged_headers_never_reach_the_site()
    {
        await using var setup = await ProtectedWikiAsync();
        var otherPad = await Journeys.RegisterAndActivateAsync(setup.Factory, "bob@example.com");
        using var browser = LoopbackClients.From("127.0.0.3", setup.Cipherpad);
        await Journeys.SignInAsync(setup.Factory, browser, "bob@example.com", otherPad);

        using var refused = await GetAsync(browser, $"{setup.Wiki}pages/budget", Forged);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Empty(setup.Seen);
    }

    /// <summary>
    /// Cipherpad at http://auth.cipherpad.test and a wiki at http://wiki.cipherpad.test, both through one Caddy on loopback,
    /// the wiki behind the forward-auth configuration of docs/operations.md; Ann's account is the one allowed on the wiki.
    /// </summary>
    private static async Task<ProtectedWiki> ProtectedWikiAsync()
    {
        var port = Caddy.FreePort();
        var (cipherpadAddress, wikiAddress) = (new Uri($"http://auth.cipherpad.test:{port}/"), new Uri($"http://wiki.cipherpad.test:{port}/"));
        var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null, settings: new Dictionary<string, string>
        {
            ["Cipherpad:PublicUrl"] = cipherpadAddress.GetLeftPart(UriPartial.Authority),
            ["Cipherpad:ReverseProxy:TrustedProxies:0"] = "127.0.0.1",
            ["Cipherpad:ForwardAuth:ProtectedHosts:0"] = "*.cipherpad.test",
            ["Cipherpad:ForwardAuth:CookieDomain"] = "cipherpad.test",
            ["Cipherpad:ForwardAuth:AllowedUsers:0"] = Email,
        });
        var seen = new ConcurrentQueue<string[]>();
        WebApplication? wiki = null;
        try
        {
            var cipherpad = factory.StartOnLoopback().Authority;
            var pad = await Journeys.RegisterAndActivateAsync(factory, Email);
            wiki = await SmallSiteAsync(seen);
            var documented = DocumentedCaddyConfiguration().Match(await File.ReadAllTextAsync(Path.Combine(Repository.Root, "docs", "operations.md")));
            Assert.True(documented.Success, "docs/operations.md shows a Caddy forward_auth configuration");
            var wikiUpstream = new Uri(wiki.Urls.First()).Authority;
            var caddy = await Caddy.StartAsync(_ => $$"""
                http://auth.cipherpad.test {
                    reverse_proxy {{cipherpad}}
                }
                {{documented.Groups["sites"].Value
                    .Replace("wiki.example.com {", "http://wiki.cipherpad.test {", StringComparison.Ordinal)
                    .Replace("127.0.0.1:5080", cipherpad, StringComparison.Ordinal)
                    .Replace("127.0.0.1:8080", wikiUpstream, StringComparison.Ordinal)}}
                """, httpPort: port);
            return new(factory, pad, wiki, caddy, seen, cipherpadAddress, wikiAddress);
        }
        catch
        {
            if (wiki is not null)
            {
                await wiki.DisposeAsync();
            }
            factory.Dispose();
            throw;
        }
    }

    private sealed record ProtectedWiki(CipherpadFactory Factory, byte[] Pad, WebApplication Site, Caddy Caddy, ConcurrentQueue<string[]> Seen,
        Uri Cipherpad, Uri Wiki) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Caddy.Dispose();
            await Site.DisposeAsync();
            Factory.Dispose();
        }
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient browser, string address, Dictionary<string, string> headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, address);
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }
        return await browser.SendAsync(request);
    }

    /// <summary>
    /// The protected site. It notes, for every request, the identity headers as a CGI or FastCGI site reads them (upper case,
    /// <c>-</c> as <c>_</c>, so <c>Remote_User</c> counts as <c>Remote-User</c>), and greets whoever that is.
    /// </summary>
    private static async Task<WebApplication> SmallSiteAsync(ConcurrentQueue<string[]> seen)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var site = builder.Build();
        site.MapGet("/{**path}", (HttpContext http) =>
        {
            var identity = http.Request.Headers
                .Select(header => (Name: header.Key.ToUpperInvariant().Replace('-', '_'), Value: header.Value.ToString()))
                .Where(header => header.Name is "REMOTE_USER" or "REMOTE_EMAIL" or "REMOTE_NAME")
                .Select(header => $"{header.Name}={header.Value}").Order(StringComparer.Ordinal).ToArray();
            seen.Enqueue(identity);
            return $"Hello {string.Join(", ", identity)}";
        });
        await site.StartAsync();
        return site;
    }

    [GeneratedRegex("```caddy\n(?<sites>[^`]*forward_auth[^`]*)```")]
    private static partial Regex DocumentedCaddyConfiguration();
}
