using System.Net;
using Cipherpad.Testing;
using Cipherpad.Testing.Pages;

namespace Cipherpad.Server.Tests;

/// <summary>Sign-in as a building block: a page that needs a signed-in person sends them back to itself, never off-site.</summary>
public sealed class SignInReturnTests
{
    [Theory]
    [InlineData("/account/log", "/account/log")]
    [InlineData("https://evil.example/steal", "/account")]
    [InlineData("//evil.example/steal", "/account")]
    [InlineData("/\\evil.example", "/account")]
    public async Task Sign_in_returns_to_a_local_page_only(string returnUrl, string landing)
    {
        using var factory = new CipherpadFactory(DatabaseProvider.Sqlite, null);
        var pad = await Journeys.RegisterAndActivateAsync(factory, "ann@example.com");
        using var browser = factory.Browser();

        var challenge = await browser.GetAsync("/account/log");
        var signIn = await SignInPage.OpenAsync(browser, returnUrl);
        var questionPage = await signIn.AskForQuestionAsync("ann@example.com");
        var signedIn = await questionPage.AnswerAsync(Journeys.AnswerWith(factory, pad, Core.Answers.Purpose.Login, questionPage.Question));

        Assert.Equal(returnUrl, signIn.ReturnUrl);
        Assert.Equal(returnUrl, questionPage.ReturnUrl);
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        Assert.Equal("/signin?ReturnUrl=%2Faccount%2Flog", challenge.Headers.Location!.PathAndQuery);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal(landing, signedIn.Headers.Location!.OriginalString);
    }
}
